package main

import (
	"os"

	"k8s.io/component-base/cli"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// cli.Run is what the upstream mains call: it sets up logging flags and exits with the
// command's status, so the subcommands behave as the released binaries do.
func runAPIServer(args []string) error {
	cmd := apiserver.NewAPIServerCommand()
	cmd.SetArgs(args)
	os.Exit(cli.Run(cmd))
	return nil
}

func runControllerManager(args []string) error {
	cmd := controllermanager.NewControllerManagerCommand()
	cmd.SetArgs(args)
	os.Exit(cli.Run(cmd))
	return nil
}
