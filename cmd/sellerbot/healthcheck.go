package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck asks a running serve on SELLERBOT_ADDR for /healthz; the
// Docker HEALTHCHECK uses it (the runtime image has no curl).
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("healthcheck: no arguments")
	}
	addr := e.getenv("SELLERBOT_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("healthcheck: SELLERBOT_ADDR %q is not a listen address", addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}
