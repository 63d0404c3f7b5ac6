package bot

import (
	"context"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/handlers"
)

// NewSlackClient builds the Web API client serve uses: it retries 429
// (honouring Retry-After), 5xx and connection errors at most 3 times, after
// which the caller sees the error (and the handler tells the user).
func NewSlackClient(botToken, appToken, apiURL string, httpClient *http.Client) *slack.Client {
	retry := slack.DefaultRetryConfig()
	retry.MaxRetries = 3
	// 5xx retries are opt-in in slack-go (not in AllBuiltinRetryHandlers).
	retry.Handlers = append(slack.AllBuiltinRetryHandlers(retry), slack.NewServerErrorRetryHandler(retry))
	opts := []slack.Option{slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(httpClient), slack.OptionRetryConfig(retry)}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	return slack.New(botToken, opts...)
}

// WebAPI adapts slack-go's Web API client to what the handlers need.
type WebAPI struct {
	Client *slack.Client
}

func msgOptions(m handlers.Outgoing) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if m.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(m.ThreadTS))
	}
	return opts
}

// Post sends a message (chat.postMessage).
func (w WebAPI) Post(ctx context.Context, m handlers.Outgoing) (string, error) {
	_, ts, err := w.Client.PostMessageContext(ctx, m.Channel, msgOptions(m)...)
	return ts, err
}

// Update replaces a message (chat.update).
func (w WebAPI) Update(ctx context.Context, ts string, m handlers.Outgoing) error {
	_, _, _, err := w.Client.UpdateMessageContext(ctx, m.Channel, ts, msgOptions(m)...)
	return err
}

// PostEphemeral shows a message to one user (chat.postEphemeral).
func (w WebAPI) PostEphemeral(ctx context.Context, user string, m handlers.Outgoing) error {
	_, err := w.Client.PostEphemeralContext(ctx, m.Channel, user, msgOptions(m)...)
	return err
}

// PublishHome publishes a user's App Home tab (views.publish).
func (w WebAPI) PublishHome(ctx context.Context, user string, blocks []slack.Block) error {
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	_, err := w.Client.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
	return err
}

// Permalink returns a link to a message (chat.getPermalink).
func (w WebAPI) Permalink(ctx context.Context, channel, ts string) (string, error) {
	return w.Client.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
}
