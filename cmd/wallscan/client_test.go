package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"wallscan"
)

// httpClient talks to the JSON API as a facilitator's browser would, with
// a session cookie and its CSRF token. A failed request is a result, not a
// test failure, so the crash test can talk to a server that may die at any
// moment; apiClient wraps it for tests where a failure is fatal.
type httpClient struct {
	base string
	http *http.Client
	csrf string
}

func newHTTPClient(base string) *httpClient {
	jar, _ := cookiejar.New(nil)
	return &httpClient{base: base, http: &http.Client{Jar: jar, Timeout: 2 * time.Minute}}
}

// send sends a request and decodes a 2xx JSON answer into out.
func (c *httpClient) send(method, path, contentType string, body io.Reader, size int64, out any) (int, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if size >= 0 {
		req.ContentLength = size
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if s, ok := out.(*string); ok {
		*s = string(data)
	} else if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

func (c *httpClient) json(method, path string, in, out any) (int, error) {
	var body io.Reader
	size := int64(-1)
	if in != nil {
		data, _ := json.Marshal(in)
		body, size = bytes.NewReader(data), int64(len(data))
	}
	return c.send(method, path, "application/json", body, size, out)
}

func (c *httpClient) login() error {
	var res struct {
		CSRF string `json:"csrf_token"`
	}
	code, err := c.json("POST", "/api/v1/login", map[string]string{"password": testPassword}, &res)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("login: status %d", code)
	}
	c.csrf = res.CSRF
	return err
}

// apiClient is an httpClient for tests in which a failed request ends the
// test.
type apiClient struct {
	t   *testing.T
	raw *httpClient
}

func newAPIClient(t *testing.T, base string) *apiClient {
	c := newHTTPClient(base)
	c.http.Timeout = 30 * time.Second
	return &apiClient{t: t, raw: c}
}

// do sends a request and decodes a 2xx JSON answer into out (if not nil;
// a *string gets the answer's body as it is). It returns the status code.
func (c *apiClient) do(method, path, contentType string, body io.Reader, out any) int {
	c.t.Helper()
	status, err := c.raw.send(method, path, contentType, body, -1, out)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return status
}

func (c *apiClient) json(method, path string, in, out any) int {
	c.t.Helper()
	status, err := c.raw.json(method, path, in, out)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return status
}

func (c *apiClient) login() {
	c.t.Helper()
	if err := c.raw.login(); err != nil {
		c.t.Fatal(err)
	}
}

// createWorkshop creates a workshop with the given fields (at least a
// "title"), ending the test unless the server answers 201 Created.
func (c *apiClient) createWorkshop(fields map[string]any) wallscan.Workshop {
	c.t.Helper()
	var w wallscan.Workshop
	if code := c.json("POST", "/api/v1/workshops", fields, &w); code != http.StatusCreated {
		c.t.Fatalf("create workshop %v: status %d", fields, code)
	}
	return w
}

func (c *apiClient) upload(path, filename string, data []byte, out any) int {
	c.t.Helper()
	body, ct := uploadBody(filename, data, "muur A")
	return c.do("POST", path, ct, bytes.NewReader(body), out)
}
