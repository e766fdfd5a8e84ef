// Command oracle runs Istio's own injection and validation code (istio.io/istio, pinned in go.mod)
// so mesh-admission can be compared with it. Every answer comes from Istio's packages; this file
// only loads settings the way istioctl/istiod do and moves bytes in and out.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	"istio.io/istio/pilot/pkg/features"
	commonfeatures "istio.io/istio/pkg/features"
	"istio.io/istio/pkg/log"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage: oracle <verb> [flags]
  kube-inject -f FILE|- [--injectConfigFile F] [--valuesFile F] [--meshConfigFile F] [-r REV] [--native-sidecars true|false]
  webhook    [--injectConfigFile F] [--valuesFile F] [--meshConfigFile F] [-r REV] [--native-sidecars B] [--path /inject]  < AdmissionReview
  validate   -f FILE|- [-n NAMESPACE]
  serve      --port P --tls-cert-file F --tls-key-file F [settings flags as for webhook]
  batch      JSON lines on stdin, one JSON answer per line (see batch.go)
`)
}

func main() {
	// Istio's packages log through istio.io/istio/pkg/log; keep stdout for answers only.
	opts := log.DefaultOptions()
	opts.OutputPaths = []string{"/dev/null"}
	opts.ErrorOutputPaths = []string{"/dev/null"}
	_ = log.Configure(opts)

	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	verb, args := os.Args[1], os.Args[2:]
	var code int
	switch verb {
	case "kube-inject":
		code = kubeInjectMain(args)
	case "webhook":
		code = webhookMain(args)
	case "validate":
		code = validateMain(args)
	case "serve":
		code = serveMain(args)
	case "batch":
		code = batchMain(os.Stdin, os.Stdout)
	default:
		usage()
		code = 2
	}
	os.Exit(code)
}

// settingsFiles are the files our CLI and istioctl take; empty means "not given".
type settingsFiles struct {
	config, values, mesh string
	revision             string
	native               bool
}

// flagSet is a tiny parser for the flag spellings our CLI uses (-f, --injectConfigFile, --a=b).
type flagSet struct {
	values map[string]string
	multi  map[string][]string
}

func parseFlags(args []string, known map[string]bool) (*flagSet, error) {
	fs := &flagSet{values: map[string]string{}, multi: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "--") {
			name, hasVal = a, false
		}
		if !known[name] {
			return nil, fmt.Errorf("unknown flag %q", a)
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs a value", name)
			}
			i++
			val = args[i]
		}
		fs.values[name] = val
		fs.multi[name] = append(fs.multi[name], val)
	}
	return fs, nil
}

func (fs *flagSet) get(names ...string) string {
	for _, n := range names {
		if v, ok := fs.values[n]; ok {
			return v
		}
	}
	return ""
}

var settingsFlags = map[string]bool{
	"--injectConfigFile": true, "--valuesFile": true, "--meshConfigFile": true,
	"-r": true, "--revision": true, "--native-sidecars": true, "--compliance-policy": true,
}

func withFlags(extra ...string) map[string]bool {
	m := map[string]bool{}
	for k := range settingsFlags {
		m[k] = true
	}
	for _, e := range extra {
		m[e] = true
	}
	return m
}

func readSettings(fs *flagSet) (settingsText, error) {
	var st settingsText
	read := func(flag string) (string, error) {
		f := fs.get(flag)
		if f == "" {
			return "", nil
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("loading %s: %v", flag, err)
		}
		return string(b), nil
	}
	var err error
	if st.Config, err = read("--injectConfigFile"); err != nil {
		return st, err
	}
	if st.Values, err = read("--valuesFile"); err != nil {
		return st, err
	}
	if st.Mesh, err = read("--meshConfigFile"); err != nil {
		return st, err
	}
	st.Revision = fs.get("-r", "--revision")
	st.Native = fs.get("--native-sidecars") != "false"
	st.CompliancePolicy = fs.get("--compliance-policy")
	return st, nil
}

// settingsText is the content of the three settings files plus the switches; the batch mode
// sends these inline.
type settingsText struct {
	Config   string `json:"config"`
	Values   string `json:"values"`
	Mesh     string `json:"mesh"`
	Revision string `json:"revision"`
	Native   bool   `json:"native"`
	// CompliancePolicy is Istio's COMPLIANCE_POLICY feature flag ("" or "fips-140-3").
	CompliancePolicy string `json:"compliancePolicy,omitempty"`
}

func (s settingsText) key() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// featureMu guards Istio's process-wide feature flags, which its code reads per call.
var featureMu sync.Mutex

// withFeatures runs fn with ENABLE_NATIVE_SIDECARS forced on or off and COMPLIANCE_POLICY set,
// as Istio's tests do with test.SetForTest.
func withFeatures(native bool, compliance string, fn func()) {
	featureMu.Lock()
	defer featureMu.Unlock()
	prevNative, prevCompliance := features.EnableNativeSidecars, commonfeatures.CompliancePolicy
	if native {
		features.EnableNativeSidecars = features.NativeSidecarModeEnabled
	} else {
		features.EnableNativeSidecars = features.NativeSidecarModeDisabled
	}
	commonfeatures.CompliancePolicy = compliance
	defer func() { features.EnableNativeSidecars, commonfeatures.CompliancePolicy = prevNative, prevCompliance }()
	fn()
}

func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}

// post sends body to an Istio handler through net/http's recorder, exactly as a request would
// arrive, and returns the status and body.
func post(h http.Handler, path string, body []byte) (int, []byte) {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func newLineReader(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return sc
}
