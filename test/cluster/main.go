// Command cluster is test tooling: one binary that runs an embedded etcd, kube-apiserver or
// kube-controller-manager, so the e2e suite can stand up a real control plane on 127.0.0.1 from
// pinned Go modules. The product itself stays TypeScript; nothing here ships.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	// Installed as a symlink named kubectl, the binary is kubectl.
	if filepath.Base(os.Args[0]) == "kubectl" {
		if err := runKubectl(os.Args[1:]); err != nil {
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cluster etcd|kube-apiserver|kube-controller-manager|kubectl [flags]")
		os.Exit(2)
	}
	sub, rest := os.Args[1], os.Args[2:]
	var err error
	switch sub {
	case "etcd":
		err = runEtcd(rest)
	case "kube-apiserver":
		err = runAPIServer(rest)
	case "kube-controller-manager":
		err = runControllerManager(rest)
	case "kubectl":
		err = runKubectl(rest)
	default:
		err = fmt.Errorf("unknown subcommand %q", sub)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster "+sub+":", err)
		os.Exit(1)
	}
}
