package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// batchRequest is one JSON line: {"verb":"kube-inject","settings":{...},"input":"yaml"},
// {"verb":"webhook","settings":{...},"path":"/inject","review":{...}} or
// {"verb":"validate","review":{...}} (an AdmissionReview for the validating webhook), or
// {"verb":"validate-file","input":"yaml","namespace":"default"}.
type batchRequest struct {
	ID        any             `json:"id"`
	Verb      string          `json:"verb"`
	Settings  settingsText    `json:"settings"`
	Input     string          `json:"input"`
	Path      string          `json:"path"`
	Namespace string          `json:"namespace"`
	Review    json.RawMessage `json:"review"`
}

type batchAnswer struct {
	ID     any             `json:"id"`
	Stdout string          `json:"stdout,omitempty"`
	Stderr string          `json:"stderr,omitempty"`
	Code   int             `json:"code"`
	Status int             `json:"status,omitempty"`
	Body   json.RawMessage `json:"body,omitempty"`
	Text   string          `json:"text,omitempty"`
	Error  string          `json:"error,omitempty"`
}

type stringWriter struct{ s []byte }

func (w *stringWriter) Write(p []byte) (int, error) { w.s = append(w.s, p...); return len(p), nil }

func answerHTTP(a *batchAnswer, status int, body []byte, err error) {
	if err != nil {
		a.Error, a.Code = err.Error(), 2
		return
	}
	a.Status = status
	if json.Valid(body) {
		a.Body = body
	} else {
		a.Text = string(body)
	}
}

func batchOne(req batchRequest) (a batchAnswer) {
	a.ID = req.ID
	defer func() {
		// One bad case must not end the batch: report Istio's panic as that case's answer.
		if r := recover(); r != nil {
			a.Error, a.Code = fmt.Sprintf("panic: %v", r), 3
		}
	}()
	switch req.Verb {
	case "kube-inject":
		a.Stdout, a.Stderr, a.Code = kubeInject(req.Settings, []byte(req.Input))
	case "webhook":
		status, body, err := webhookReview(req.Settings, req.Path, req.Review)
		answerHTTP(&a, status, body, err)
	case "validate":
		status, body, err := validateReview(req.Review)
		answerHTTP(&a, status, body, err)
	case "validate-file":
		ns := req.Namespace
		if ns == "" {
			ns = "default"
		}
		var out, errw stringWriter
		a.Code = validateFile("<stdin>", []byte(req.Input), ns, &out, &errw)
		a.Stdout, a.Stderr = string(out.s), string(errw.s)
	default:
		a.Error, a.Code = fmt.Sprintf("unknown verb %q", req.Verb), 2
	}
	return a
}

func batchMain(in io.Reader, out io.Writer) int {
	sc := newLineReader(in)
	enc := json.NewEncoder(out)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var req batchRequest
		var a batchAnswer
		if err := json.Unmarshal(line, &req); err != nil {
			a = batchAnswer{Error: "bad request line: " + err.Error(), Code: 2}
		} else {
			a = batchOne(req)
		}
		if err := enc.Encode(a); err != nil {
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		return 1
	}
	return 0
}
