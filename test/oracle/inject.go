package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	meshconfig "istio.io/api/mesh/v1alpha1"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/kube/inject"
)

// meshFrom applies the mesh YAML over Istio's default MeshConfig, as istioctl's --meshConfigFile
// (mesh.ReadMeshConfig) and istiod's mesh watcher do.
func meshFrom(text string) (*meshconfig.MeshConfig, error) {
	if text == "" {
		return mesh.DefaultMeshConfig(), nil
	}
	return mesh.ApplyMeshConfigDefaults(text)
}

// rawTemplatesFrom mirrors istioctl kube-inject's reading of --injectConfigFile: a Config with
// templates, or else a bare template that becomes "sidecar".
func rawTemplatesFrom(text string) (inject.RawTemplates, error) {
	var cfg inject.Config
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil || len(cfg.RawTemplates) == 0 {
		return inject.RawTemplates{inject.SidecarTemplateName: text}, nil
	}
	parsed, err := inject.UnmarshalConfig([]byte(text))
	if err != nil {
		return nil, err
	}
	return parsed.RawTemplates, nil
}

// kubeInject is istioctl kube-inject with local files: IntoResourceFile with no injector.
func kubeInject(st settingsText, input []byte) (stdout, stderr string, code int) {
	var out, warn bytes.Buffer
	fail := func(err error) (string, string, int) {
		return "", fmt.Sprintf("Error: %v\n", err), 1
	}
	if st.Config == "" || st.Values == "" {
		return fail(fmt.Errorf("oracle needs --injectConfigFile and --valuesFile"))
	}
	raw, err := rawTemplatesFrom(st.Config)
	if err != nil {
		return fail(err)
	}
	templs, err := inject.ParseTemplates(raw)
	if err != nil {
		return fail(err)
	}
	vc, err := inject.NewValuesConfig(st.Values)
	if err != nil {
		return fail(err)
	}
	mc, err := meshFrom(st.Mesh)
	if err != nil {
		return fail(err)
	}
	withFeatures(st.Native, st.CompliancePolicy, func() {
		err = inject.IntoResourceFile(nil, templs, vc, st.Revision, mc, bytes.NewReader(input), &out,
			func(w string) { warn.WriteString(w) })
	})
	if err != nil {
		s, e, c := fail(err)
		return s, warn.String() + e, c
	}
	return out.String(), warn.String(), 0
}

func kubeInjectMain(args []string) int {
	fs, err := parseFlags(args, withFlags("-f", "--filename", "-o", "--output"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	st, err := readSettings(fs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	in, err := readInput(fs.get("-f", "--filename"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	stdout, stderr, code := kubeInject(st, in)
	os.Stderr.WriteString(stderr)
	if o := fs.get("-o", "--output"); o != "" && code == 0 {
		if err := os.WriteFile(o, []byte(stdout), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	} else {
		os.Stdout.WriteString(stdout)
	}
	return code
}

// injector is istiod's injection webhook built as pkg/kube/inject's webhook_test.go builds it:
// a file watcher over config + values, a test mesh watcher, an empty ProxyConfig store.
type injector struct {
	mux        *http.ServeMux
	native     bool
	compliance string
}

var (
	injectorsMu sync.Mutex
	injectors   = map[string]*injector{}
)

func newInjector(st settingsText) (*injector, error) {
	injectorsMu.Lock()
	defer injectorsMu.Unlock()
	if wh, ok := injectors[st.key()]; ok {
		return wh, nil
	}
	if st.Config == "" || st.Values == "" {
		return nil, fmt.Errorf("oracle needs --injectConfigFile and --valuesFile")
	}
	dir, err := os.MkdirTemp("", "oracle-webhook-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	configFile, valuesFile := filepath.Join(dir, "config"), filepath.Join(dir, "values")
	if err := os.WriteFile(configFile, []byte(st.Config), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(valuesFile, []byte(st.Values), 0o644); err != nil {
		return nil, err
	}
	mc, err := meshFrom(st.Mesh)
	if err != nil {
		return nil, err
	}
	store := model.NewFakeStore()
	env := model.Environment{Watcher: meshwatcher.NewTestWatcher(mc), ConfigStore: store}
	env.SetPushContext(&model.PushContext{ProxyConfigs: model.GetProxyConfigs(store, mc)})
	watcher, err := inject.NewFileWatcher(configFile, valuesFile)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	// Built with native sidecars "disabled" so the webhook keeps no node informer and reads the
	// feature flag per request (webhook.go), which withFeatures then sets.
	withFeatures(false, st.CompliancePolicy, func() {
		_, err = inject.NewWebhook(inject.WebhookParameters{
			Watcher: watcher, Env: &env, Mux: mux, Revision: st.Revision,
		})
	})
	if err != nil {
		return nil, err
	}
	wh := &injector{mux: mux, native: st.Native, compliance: st.CompliancePolicy}
	injectors[st.key()] = wh
	return wh, nil
}

func (wh *injector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	withFeatures(wh.native, wh.compliance, func() { wh.mux.ServeHTTP(w, r) })
}

// webhookReview answers one AdmissionReview body as istiod's /inject handler does.
func webhookReview(st settingsText, path string, body []byte) (int, []byte, error) {
	wh, err := newInjector(st)
	if err != nil {
		return 0, nil, err
	}
	if path == "" {
		path = "/inject"
	}
	if !strings.HasPrefix(path, "/inject") {
		return 0, nil, fmt.Errorf("path %q is not under /inject", path)
	}
	code, out := post(wh, path, body)
	return code, out, nil
}

func webhookMain(args []string) int {
	fs, err := parseFlags(args, withFlags("--path"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	st, err := readSettings(fs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	body, err := readInput("-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	code, out, err := webhookReview(st, fs.get("--path"), body)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	os.Stdout.Write(out)
	if code != http.StatusOK {
		fmt.Fprintf(os.Stderr, "HTTP %d\n", code)
		return 1
	}
	return 0
}
