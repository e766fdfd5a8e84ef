package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

// serveMain runs istiod's injection handler (and its validation handler) over HTTPS, for the bench.
func serveMain(args []string) int {
	fs, err := parseFlags(args, withFlags("--port", "--host", "--tls-cert-file", "--tls-key-file"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	st, err := readSettings(fs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	port, err := strconv.Atoi(fs.get("--port"))
	cert, key := fs.get("--tls-cert-file"), fs.get("--tls-key-file")
	if err != nil || cert == "" || key == "" {
		fmt.Fprintln(os.Stderr, "serve needs --port P --tls-cert-file F --tls-key-file F")
		return 2
	}
	wh, err := newInjector(st)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	vmux, err := validator()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	host := fs.get("--host")
	if host == "" {
		host = "127.0.0.1"
	}
	mux := http.NewServeMux()
	mux.Handle("/inject", wh)
	mux.Handle("/inject/", wh)
	mux.Handle("/validate", vmux)
	mux.Handle("/validate/", vmux)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Fprintf(os.Stderr, "oracle serving https://%s\n", ln.Addr())
	if err := http.ServeTLS(ln, mux, cert, key); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
