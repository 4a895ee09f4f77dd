// Package metricstest reads the metrics exposition in tests, as
// Prometheus would: parsed into families, and a series found by its
// labels.
package metricstest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Families are the parsed metric families, by name.
type Families map[string]*dto.MetricFamily

// Parse parses an exposition in Prometheus's text format.
func Parse(t testing.TB, exposition string) Families {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(exposition))
	if err != nil {
		t.Fatalf("parse the exposition: %v", err)
	}
	return fams
}

// Serve GETs /metrics from h in process and parses the exposition.
func Serve(t testing.TB, h http.Handler) Families {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	return Parse(t, rec.Body.String())
}

// Scrape GETs a /metrics URL, as curl would, and parses the exposition.
func Scrape(t testing.TB, url string) Families {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return Parse(t, string(b))
}

// Series is the series of family name whose labels include labels, or
// nil.
func (f Families) Series(name string, labels map[string]string) *dto.Metric {
	for _, m := range f[name].GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range labels {
			match = match && have[k] == v
		}
		if match {
			return m
		}
	}
	return nil
}

// Value is a counter's or gauge's value, or a histogram's count, of the
// series Series finds; false when there is none.
func (f Families) Value(name string, labels map[string]string) (float64, bool) {
	m := f.Series(name, labels)
	switch {
	case m == nil:
		return 0, false
	case m.Counter != nil:
		return m.GetCounter().GetValue(), true
	case m.Gauge != nil:
		return m.GetGauge().GetValue(), true
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount()), true
	}
	return 0, false
}
