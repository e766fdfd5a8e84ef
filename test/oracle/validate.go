package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"

	yamlDecoder "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/webhooks/validation/server"
)

var (
	validatorOnce sync.Once
	validatorMux  *http.ServeMux
	validatorErr  error
)

// validator is istiod's validating webhook with the schemas istiod registers
// (pilot/pkg/bootstrap/validation.go) behind its own /validate handler.
func validator() (*http.ServeMux, error) {
	validatorOnce.Do(func() {
		validatorMux = http.NewServeMux()
		_, validatorErr = server.New(server.Options{
			Schemas:      collections.PilotGatewayAPI(),
			DomainSuffix: "cluster.local",
			Mux:          validatorMux,
		})
	})
	return validatorMux, validatorErr
}

// validateReview answers one AdmissionReview body as istiod's /validate handler does.
func validateReview(body []byte) (int, []byte, error) {
	mux, err := validator()
	if err != nil {
		return 0, nil, err
	}
	code, out := post(mux, "/validate", body)
	return code, out, nil
}

type reviewAnswer struct {
	Response struct {
		Allowed  bool     `json:"allowed"`
		Warnings []string `json:"warnings"`
		Status   *struct {
			Message string `json:"message"`
		} `json:"status"`
	} `json:"response"`
}

// reviewFor wraps one object in the AdmissionReview the API server would send for a CREATE.
func reviewFor(obj map[string]any, namespace string) ([]byte, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group, version := "", apiVersion
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group, version = apiVersion[:i], apiVersion[i+1:]
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	return json.Marshal(map[string]any{
		"apiVersion": "admission.k8s.io/v1",
		"kind":       "AdmissionReview",
		"request": map[string]any{
			"uid":       "oracle",
			"kind":      map[string]string{"group": group, "version": version, "kind": kind},
			"resource":  map[string]string{"group": group, "version": version, "resource": strings.ToLower(kind) + "s"},
			"namespace": namespace,
			"name":      name,
			"operation": "CREATE",
			"userInfo":  map[string]any{},
			"object":    obj,
		},
	})
}

var multiLine = regexp.MustCompile(`\s*\n\s*(\*\s*)?`)

// oneLine joins multi-line multierror texts the way our CLI prints them.
func oneLine(s string) string {
	return strings.TrimSpace(multiLine.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, "*") {
			return " * "
		}
		return " "
	}))
}

func flatten(doc any) []any {
	if m, ok := doc.(map[string]any); ok {
		if k, _ := m["kind"].(string); strings.HasSuffix(k, "List") {
			if items, ok := m["items"].([]any); ok {
				var out []any
				for _, it := range items {
					out = append(out, flatten(it)...)
				}
				return out
			}
		}
	}
	return []any{doc}
}

func describe(obj map[string]any, ns string) string {
	kind, _ := obj["kind"].(string)
	if kind == "" {
		kind = "<no kind>"
	}
	meta, _ := obj["metadata"].(map[string]any)
	if n, _ := meta["namespace"].(string); n != "" {
		ns = n
	}
	name, _ := meta["name"].(string)
	if name == "" {
		name = "<no name>"
	}
	return fmt.Sprintf("%s %s/%s", kind, ns, name)
}

func isIstio(obj map[string]any) bool {
	av, _ := obj["apiVersion"].(string)
	i := strings.LastIndex(av, "/")
	if i < 0 {
		return false
	}
	g := av[:i]
	return g == "istio.io" || strings.HasSuffix(g, ".istio.io")
}

// validateFile prints what `validate --webhook-only` prints, with Istio's webhook deciding.
func validateFile(source string, text []byte, namespace string, stdout, stderr io.Writer) int {
	reader := yamlDecoder.NewYAMLReader(bufio.NewReader(bytes.NewReader(text)))
	var docs []any
	for {
		raw, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(stderr, "Error: %s: %v\n", source, err)
			return 2
		}
		var v any
		if err := yaml.Unmarshal(raw, &v); err != nil {
			fmt.Fprintf(stderr, "Error: %s: not valid YAML: %v\n", source, err)
			return 2
		}
		docs = append(docs, v)
	}
	total, invalid, skipped := 0, 0, 0
	for i, d := range docs {
		where := source
		if len(docs) > 1 {
			where = fmt.Sprintf("%s#%d", source, i)
		}
		if d == nil {
			continue
		}
		for _, o := range flatten(d) {
			total++
			obj, ok := o.(map[string]any)
			if !ok {
				invalid++
				fmt.Fprintf(stderr, "Error: %s: <not a mapping>: the document is not a mapping\n", where)
				continue
			}
			what := describe(obj, namespace)
			if !isIstio(obj) {
				skipped++
				av, _ := json.Marshal(obj["apiVersion"])
				if obj["apiVersion"] == nil {
					av = []byte(`""`)
				}
				fmt.Fprintf(stderr, "Skipped: %s: %s: not an Istio resource (apiVersion %s)\n", where, what, av)
				continue
			}
			meta, _ := obj["metadata"].(map[string]any)
			if meta == nil {
				meta = map[string]any{}
				obj["metadata"] = meta
			}
			if n, _ := meta["namespace"].(string); n == "" {
				meta["namespace"] = namespace
			}
			ns, _ := meta["namespace"].(string)
			body, err := reviewFor(obj, ns)
			if err != nil {
				fmt.Fprintf(stderr, "Error: %s: %v\n", where, err)
				return 2
			}
			_, out, err := validateReview(body)
			if err != nil {
				fmt.Fprintf(stderr, "Error: %v\n", err)
				return 2
			}
			var ans reviewAnswer
			if err := json.Unmarshal(out, &ans); err != nil {
				fmt.Fprintf(stderr, "Error: %s: unreadable answer %q\n", where, out)
				return 2
			}
			for _, w := range ans.Response.Warnings {
				fmt.Fprintf(stderr, "Warning: %s: %s: %s\n", where, what, oneLine(w))
			}
			if !ans.Response.Allowed {
				invalid++
				msg := "denied"
				if ans.Response.Status != nil && ans.Response.Status.Message != "" {
					msg = ans.Response.Status.Message
				}
				fmt.Fprintf(stderr, "Error: %s: %s is invalid: %s\n", where, what, oneLine(msg))
			}
		}
	}
	fmt.Fprintf(stdout, "%d document(s) in 1 file(s): %d valid, %d invalid", total, total-invalid-skipped, invalid)
	if skipped > 0 {
		fmt.Fprintf(stdout, ", %d skipped", skipped)
	}
	fmt.Fprintln(stdout)
	if invalid > 0 {
		return 1
	}
	return 0
}

func validateMain(args []string) int {
	fs, err := parseFlags(args, map[string]bool{"-f": true, "--filename": true, "-n": true, "--namespace": true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	file := fs.get("-f", "--filename")
	if file == "" {
		fmt.Fprintln(os.Stderr, "validate needs -f FILE")
		return 2
	}
	ns := fs.get("-n", "--namespace")
	if ns == "" {
		ns = "default"
	}
	text, err := readInput(file)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		return 2
	}
	source := file
	if file == "-" {
		source = "<stdin>"
	}
	return validateFile(source, text, ns, os.Stdout, os.Stderr)
}
