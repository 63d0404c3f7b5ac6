package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
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
	Client  *slack.Client
	Members *MemberCache // optional; caches conversations.members
	// Once posts keyed messages (Outgoing.Key) without automatic retries:
	// the caller retries after FindPosted. Nil uses Client.
	Once *slack.Client
}

// RequestMetadataType marks messages about filed requests.
const RequestMetadataType = "sellerbot_request"

func msgOptions(m sellerbot.Message) []slack.MsgOption {
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
	if m.Key == "" {
		_, ts, err := w.Client.PostMessageContext(ctx, m.Channel, msgOptions(m)...)
		return ts, err
	}
	client := w.Once
	if client == nil {
		client = w.Client
	}
	opts := append(msgOptions(m), slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: RequestMetadataType, EventPayload: map[string]any{"key": m.Key},
	}))
	_, ts, err := client.PostMessageContext(ctx, m.Channel, opts...)
	return ts, err
}

// FindPosted looks for a message posted with key (conversations.history;
// for a user id, in the bot's DM with that user).
func (w WebAPI) FindPosted(ctx context.Context, channel string, since time.Time, key string) (string, bool, error) {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		ch, _, _, err := w.Client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{channel}, ReturnIM: true})
		if err != nil {
			return "", false, fmt.Errorf("opening the DM with %s: %w", channel, err)
		}
		channel = ch.ID
	}
	return findByMetadata(ctx, w.Client, channel, since, key)
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

// OpenView opens a modal (views.open); the trigger id is valid 3 seconds.
func (w WebAPI) OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error {
	_, err := w.Client.OpenViewContext(ctx, triggerID, view)
	return err
}

// UpdateView replaces an open modal (views.update). hash guards against
// overwriting a newer version of the view.
func (w WebAPI) UpdateView(ctx context.Context, viewID, hash string, view slack.ModalViewRequest) error {
	_, err := w.Client.UpdateViewContext(ctx, view, "", hash, viewID)
	return err
}

// IsMember reports whether user is in channel (conversations.members),
// remembering each channel's members for a minute: a burst of button clicks
// then costs one call.
func (w WebAPI) IsMember(ctx context.Context, channel, user string) (bool, error) {
	if w.Members == nil {
		return w.fetchMembers(ctx, channel, user)
	}
	return w.Members.isMember(ctx, channel, user, w.listMembers)
}

func (w WebAPI) fetchMembers(ctx context.Context, channel, user string) (bool, error) {
	members, err := w.listMembers(ctx, channel)
	if err != nil {
		return false, err
	}
	return members[user], nil
}

func (w WebAPI) listMembers(ctx context.Context, channel string) (map[string]bool, error) {
	members := map[string]bool{}
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000}
	for range 100 { // at most 100,000 members
		ids, next, err := w.Client.GetUsersInConversationContext(ctx, params)
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", channel, err)
		}
		for _, id := range ids {
			members[id] = true
		}
		if next == "" {
			return members, nil
		}
		params.Cursor = next
	}
	return members, nil
}

// MemberCache remembers channel members briefly.
type MemberCache struct {
	TTL time.Duration    // default one minute
	Now func() time.Time // defaults to time.Now

	mu      sync.Mutex
	entries map[string]memberEntry
}

type memberEntry struct {
	at      time.Time
	members map[string]bool
}

func (c *MemberCache) isMember(ctx context.Context, channel, user string, fetch func(context.Context, string) (map[string]bool, error)) (bool, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ttl := c.TTL
	if ttl == 0 {
		ttl = time.Minute
	}
	c.mu.Lock()
	e, ok := c.entries[channel]
	c.mu.Unlock()
	// A member who just joined is not refused for a stale minute: refetch
	// on a miss.
	if ok && now().Sub(e.at) < ttl && e.members[user] {
		return true, nil
	}
	members, err := fetch(ctx, channel)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]memberEntry{}
	}
	c.entries[channel] = memberEntry{at: now(), members: members}
	c.mu.Unlock()
	return members[user], nil
}

// NewAlertClient is a Web API client without automatic retries.
func NewAlertClient(botToken, apiURL string, httpClient *http.Client) *slack.Client {
	return slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(httpClient))
}
