package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot"
	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/ingest"
	"github.com/sellerbot/sellerbot/llm"
	"github.com/sellerbot/sellerbot/mailer"
	"github.com/sellerbot/sellerbot/outbox"
	"github.com/sellerbot/sellerbot/scheduler"
)

// serveConfig is sellerbot serve's configuration, read from the
// environment only (secrets never come from flags or files).
type serveConfig struct {
	BotToken      string
	AppToken      string // Socket Mode when set
	SigningSecret string // HTTP mode when set
	APIURL        string
	Addr          string
	DBPath        string
	OpsChannel    string
	Admins        map[string]bool
	KBDir         string
	RateLimit     int                   // questions per user per minute
	SlackTimeout  time.Duration         // one Web API call, at most
	SMTP          mailer.Config         // SMTP_*; Addr empty: no e-mail
	MailTo        map[forms.Kind]string // SELLERBOT_MAIL_TO_*: per-form destination
	Alerts        alertConfig
	LLM           llm.Config // OPENAI_*: optional
}

var (
	channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
	userIDPattern    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// configError names the variable at fault; serve exits with status 2.
func configError(variable, format string, args ...any) error {
	return usageError{fmt.Sprintf("serve: %s: %s", variable, fmt.Sprintf(format, args...))}
}

func loadServeConfig(getenv func(string) string) (serveConfig, error) {
	c := serveConfig{
		BotToken:      strings.TrimSpace(getenv("SLACK_BOT_TOKEN")),
		AppToken:      strings.TrimSpace(getenv("SLACK_APP_TOKEN")),
		SigningSecret: strings.TrimSpace(getenv("SLACK_SIGNING_SECRET")),
		APIURL:        strings.TrimSpace(getenv("SLACK_API_URL")),
		Addr:          strings.TrimSpace(getenv("SELLERBOT_ADDR")),
		DBPath:        strings.TrimSpace(getenv("SELLERBOT_DB")),
		OpsChannel:    strings.TrimSpace(getenv("SELLERBOT_OPS_CHANNEL")),
		KBDir:         strings.TrimSpace(getenv("SELLERBOT_KB_DIR")),
		Admins:        map[string]bool{},
		RateLimit:     20,
		SlackTimeout:  15 * time.Second,
	}
	switch {
	case c.BotToken == "":
		return c, configError("SLACK_BOT_TOKEN", "required (the bot token, xoxb-...)")
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		return c, configError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
	case c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-"):
		return c, configError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")
	case c.AppToken == "" && c.SigningSecret == "":
		return c, configError("SLACK_APP_TOKEN", "set it (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode), or both")
	}
	if c.APIURL == "" {
		c.APIURL = slack.APIURL
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, configError("SLACK_API_URL", "%q is not an http(s) URL", c.APIURL)
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return c, configError("SELLERBOT_ADDR", "%q is not a listen address like :8080 or 127.0.0.1:8080", c.Addr)
	}
	if c.DBPath == "" {
		c.DBPath = "sellerbot.db"
	}
	if c.OpsChannel != "" && !channelIDPattern.MatchString(c.OpsChannel) {
		return c, configError("SELLERBOT_OPS_CHANNEL", "%q is not a channel ID like C0123456789", c.OpsChannel)
	}
	for _, id := range strings.Split(getenv("SELLERBOT_ADMINS"), ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !userIDPattern.MatchString(id) {
			return c, configError("SELLERBOT_ADMINS", "%q is not a user ID like U0123456789", id)
		}
		c.Admins[id] = true
	}
	if v := strings.TrimSpace(getenv("SELLERBOT_RATE_LIMIT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return c, configError("SELLERBOT_RATE_LIMIT", "%q is not a number of questions per minute (1-10000)", v)
		}
		c.RateLimit = n
	}
	if v := strings.TrimSpace(getenv("SELLERBOT_SLACK_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Minute {
			return c, configError("SELLERBOT_SLACK_TIMEOUT", "%q is not a duration from 1s to 1m", v)
		}
		c.SlackTimeout = d
	}
	if err := loadMailConfig(getenv, &c); err != nil {
		return c, err
	}
	alerts, err := loadAlertConfig(getenv, "serve")
	if err != nil {
		return c, err
	}
	c.Alerts = alerts
	if c.LLM, err = llm.LoadConfig(getenv); err != nil {
		return c, usageError{"serve: " + err.Error()}
	}
	return c, nil
}

// mailToVar names the variable that overrides a form's destination.
func mailToVar(k forms.Kind) string {
	return "SELLERBOT_MAIL_TO_" + strings.ToUpper(strings.ReplaceAll(string(k), "-", "_"))
}

func loadMailConfig(getenv func(string) string, c *serveConfig) error {
	c.MailTo = map[forms.Kind]string{}
	for _, f := range forms.All() {
		v := strings.TrimSpace(getenv(mailToVar(f.Kind)))
		if v == "" {
			continue
		}
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			return configError(mailToVar(f.Kind), "%q is not an e-mail address", v)
		}
		c.MailTo[f.Kind] = v
	}
	c.SMTP = mailer.Config{
		Addr:     strings.TrimSpace(getenv("SMTP_ADDR")),
		User:     strings.TrimSpace(getenv("SMTP_USER")),
		Password: getenv("SMTP_PASSWORD"),
		From:     strings.TrimSpace(getenv("SMTP_FROM")),
	}
	if c.SMTP.Addr == "" {
		for _, name := range []string{"SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM"} {
			if getenv(name) != "" {
				return configError("SMTP_ADDR", "required when %s is set (host:port of the SMTP server)", name)
			}
		}
		return nil
	}
	if c.SMTP.From == "" {
		return configError("SMTP_FROM", "required when SMTP_ADDR is set (the sender address)")
	}
	if _, err := mailer.New(c.SMTP); err != nil {
		return usageError{"serve: " + err.Error()}
	}
	return nil
}

// alertWorkers post order alerts in parallel (paced by the rate limits).
const alertWorkers = 16

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("serve", e, "sellerbot serve", "Runs the Slack bot. Configuration comes from the environment; see README.md.")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadServeConfig(e.getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))

	store, err := boltstore.Open(cfg.DBPath, 2*time.Second)
	if err != nil {
		if errors.Is(err, boltstore.ErrLocked) {
			return fmt.Errorf("%w: is another sellerbot serve running on %s?", err, cfg.DBPath)
		}
		return damagedDB("serve", "SELLERBOT_DB", cfg.DBPath, err)
	}
	defer store.Close()
	kb, err := loadLive(cfg.KBDir, store, e)
	if err != nil {
		return err
	}

	metrics := bot.NewMetrics()
	metrics.ObserveCommits(store.CommitStats)
	httpClient := &http.Client{Timeout: cfg.SlackTimeout, Transport: metrics.Transport(metrics.SlackTransport(bot.SlackCallers(alertWorkers)))}
	// A post may reach Slack until the client gives up on it, and a little
	// after: one left unanswered by a crash is looked for only then.
	landWithin := cfg.SlackTimeout + 2*time.Second
	api := bot.NewSlackClient(cfg.BotToken, cfg.AppToken, cfg.APIURL, httpClient)
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("serve: Slack rejected SLACK_BOT_TOKEN (auth.test): %w", err)
	}
	log.Info("connected to Slack", "team", auth.Team, "bot_user", auth.UserID, "articles", len(kb.Articles()), "db", cfg.DBPath)

	engine := newEngine(ctx, kb, cfg.LLM, store, nil, metrics, log.With("component", "llm"), time.Minute)
	if cfg.LLM.Enabled() {
		log.Info("language model on", "base_url", cfg.LLM.BaseURL, "chat_model", cfg.LLM.ChatModel, "embedding_model", cfg.LLM.EmbeddingModel, "timeout", cfg.LLM.Timeout.String())
	}
	var mailSender outbox.Mailer
	if cfg.SMTP.Addr != "" {
		if mailSender, err = newSMTPMailer(cfg.SMTP); err != nil {
			return err
		}
		log.Info("e-mailing filed requests", "smtp", cfg.SMTP.Addr)
	}
	if cfg.OpsChannel == "" {
		log.Warn("SELLERBOT_OPS_CHANNEL is not set: 담당자 연결 will tell users it is unavailable, and filed requests reach no team channel")
	}
	web := bot.WebAPI{Client: api, Members: &bot.MemberCache{}}
	// Keyed posts (requests, hand-offs, alerts) go through a client that
	// never retries by itself: the exactly-once poster retries, looking first.
	keyed := slackpost.Client{API: slackpost.NewClient(cfg.BotToken, cfg.APIURL, httpClient)}
	h, deliveries := wiring{
		KB: kb, Assistant: engine, Store: store, Slack: web, Channel: keyed, Edit: web,
		Respond: func(ctx context.Context, u string, msg *slack.WebhookMessage) error {
			return slack.PostWebhookCustomHTTPContext(ctx, u, httpClient, msg)
		},
		Team:      handlers.Team{Channel: cfg.OpsChannel, Admins: cfg.Admins},
		RateLimit: cfg.RateLimit, Mailer: mailSender, MailTo: cfg.MailTo, BotUserID: auth.UserID,
		Counters: metrics, Log: log, LandWithin: landWithin,
	}.build()
	disp := &bot.Dispatcher{H: h, Dedupe: store, BotUserID: auth.UserID, Log: log, Metrics: metrics}
	alerter := &scheduler.Alerter{
		Store: store, Slack: &slackpost.Once{Channel: keyed, LandWithin: landWithin},
		Schedule: cfg.Alerts.Schedule, Grace: cfg.Alerts.Grace, Retention: cfg.Alerts.Retention,
		OpsChannel: cfg.OpsChannel, PerChannel: 1100 * time.Millisecond, GlobalRate: cfg.Alerts.Rate, Workers: alertWorkers, MaxTries: 8,
		Log: log.With("component", "alerts"), Counters: metrics,
	}
	endpoints := &bot.HTTP{Verifier: bot.Verifier{Secret: cfg.SigningSecret}, Dispatcher: disp, Metrics: metrics, Log: log}
	if cfg.Alerts.IngestToken != "" {
		endpoints.Extra = (&ingest.API{Token: cfg.Alerts.IngestToken, Store: store, Preview: alerter, Lessons: store, Log: log}).Routes()
	} else {
		log.Info("SELLERBOT_INGEST_TOKEN is not set: POST /api/orders is off")
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: SELLERBOT_ADDR %s: %w", cfg.Addr, err)
	}
	log.Info("serving HTTP", "addr", ln.Addr().String(), "http_mode", cfg.SigningSecret != "", "socket_mode", cfg.AppToken != "")
	log.Info("order alerts scheduled", "cron", cfg.Alerts.Spec, "grace", cfg.Alerts.Grace.String())
	intake := []part{{"http", func(ctx context.Context) error { return endpoints.Serve(ctx, ln) }}}
	if cfg.AppToken != "" {
		client := socketmode.New(api)
		sock := &bot.Socket{Client: client, Events: client.Events, Dispatcher: disp, Log: log}
		intake = append(intake, part{"socket mode", sock.Run})
	}
	return lifecycle{
		intake:   intake,
		drain:    disp.Shutdown,
		drainFor: 20 * time.Second,
		// Work owed by filed requests (ops message, receipt, e-mail) is
		// caught up at start, after a crash, and retried every minute.
		background: []part{
			{"request deliveries", deliveries.Run},
			{"order alerts", alerter.Run},
			{"knowledge base", (&kbKeeper{live: kb, lessons: store, slack: web, channel: cfg.OpsChannel, log: log.With("component", "kb"), poll: 5 * time.Second}).run},
		},
		log: log,
	}.run(ctx)
}

// newSMTPMailer is the e-mail sender of SMTP_*.
func newSMTPMailer(cfg mailer.Config) (outbox.Mailer, error) {
	m, err := mailer.New(cfg)
	if err != nil {
		return nil, usageError{"serve: " + err.Error()}
	}
	m.Now = func() time.Time { return time.Now().In(sellerbot.KST) } // Date in the recipients' zone
	return smtpMailer{m}, nil
}
