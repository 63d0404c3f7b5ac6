// Package ingest is sellerbot's small HTTP API for systems around it: a
// marketplace integration posts orders, and the command line imports
// orders and previews alerts through it while serve holds the database.
package ingest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/scheduler"
)

// Store keeps orders (boltstore.Store is one).
type Store = orders.Upserter

// Previewer tells what alerts would go out (scheduler.Alerter is one).
type Previewer interface {
	Preview(at time.Time) ([]scheduler.Preview, error)
}

// Limits of one request.
const (
	MaxBodyBytes = 16 << 20
	MaxBatch     = 10_000
)

// API serves POST /api/orders and GET /api/alerts/preview, both behind a
// bearer token. Without a token it is not mounted at all.
type API struct {
	Token   string
	Store   Store
	Preview Previewer
	Lessons LessonLister // nil: GET /api/lessons is off
	Log     *slog.Logger
}

// LessonLister lists what the support team taught (boltstore.Store is
// one): sellerbot kb history and kb export read it through serve while
// serve holds the database.
type LessonLister interface {
	Lessons() ([]knowledge.Lesson, uint64, error)
}

// Lessons is the body of GET /api/lessons.
type Lessons struct {
	Lessons []knowledge.Lesson `json:"lessons"`
	Rev     uint64             `json:"rev"`
}

// Routes returns the API's routes for the serve mux.
func (a *API) Routes() map[string]http.Handler {
	routes := map[string]http.Handler{
		"POST /api/orders":        a.authorized(http.HandlerFunc(a.orders)),
		"GET /api/alerts/preview": a.authorized(http.HandlerFunc(a.preview)),
	}
	if a.Lessons != nil {
		routes["GET /api/lessons"] = a.authorized(http.HandlerFunc(a.lessons))
	}
	return routes
}

func (a *API) lessons(w http.ResponseWriter, r *http.Request) {
	ls, rev, err := a.Lessons.Lessons()
	if err != nil {
		a.log().Error("reading the lessons failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "could not read the lessons; try again"})
		return
	}
	if ls == nil {
		ls = []knowledge.Lesson{}
	}
	writeJSON(w, http.StatusOK, Lessons{Lessons: ls, Rev: rev})
}

func (a *API) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

func (a *API) authorized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || a.Token == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(a.Token)) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token (SELLERBOT_INGEST_TOKEN)"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Request is the body of POST /api/orders.
type Request struct {
	Orders []orders.Raw `json:"orders"`
}

// Response says what happened to each order.
type Response = orders.Batch

func (a *API) orders(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	var req Request
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body over %d bytes: send fewer orders per request", MaxBodyBytes)})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not JSON like {\"orders\":[{\"order_no\":...}]}: " + err.Error()})
		return
	}
	if len(req.Orders) > MaxBatch {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("%d orders in one request; at most %d", len(req.Orders), MaxBatch)})
		return
	}
	resp, err := orders.Accept(a.Store, req.Orders)
	if err != nil {
		a.log().Error("storing orders failed", "orders", len(req.Orders), "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "could not store the orders; nothing was stored, send them again"})
		return
	}
	a.log().Info("orders received", "accepted", resp.Accepted, "rejected", len(resp.Rejected))
	writeJSON(w, http.StatusOK, resp)
}

func (a *API) preview(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	if s := r.URL.Query().Get("at"); s != "" {
		t, err := orders.ParseTime(s)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "at: " + err.Error()})
			return
		}
		at = t
	}
	list, err := a.Preview.Preview(at)
	if sellerbot.IsBadInput(err) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "at: " + err.Error()})
		return
	}
	if err != nil {
		// The store's error stays in the log: a client can do nothing with it.
		a.log().Error("previewing alerts failed", "at", at, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "could not read the alerts; try again"})
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
