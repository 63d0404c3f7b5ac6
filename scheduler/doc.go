// Package scheduler is everything sellerbot runs on a clock. Today that
// is the twice-daily unconfirmed-order alerts (10:00 and 15:00 Korea
// time); the SLA reminders and the weekly report are to join them here,
// each as one more Job.
//
// # On the clock (clock.go, schedule.go)
//
// A Job is a name, a cron schedule (ParseSpec: fixed times, always with
// CRON_TZ) and a Tick that does whatever is due when it is called. A
// Runner ticks each job at its fire times (robfig/cron), once at start and
// every minute, one tick of a job at a time; a failed or panicking tick is
// logged and the next comes as usual. A tick works out what is due from
// what is stored, so that a start after a crash finishes exactly what is
// left.
//
// # The alert pipeline (Alerter.Tick)
//
// Each tick finishes the alerts left open, fires the latest slot if it was
// not planned, and sends the failure reports still owed, through these
// stages, a file each:
//
//   - plan (plan.go): a slot's window is (previous fire time, fire time].
//     Every subscribed (seller, channel) of the slot is planned in the
//     store before anything is sent. A slot missed by more than a minute
//     is sent late (지연 발송), by more than Grace skipped, and the slots
//     missed before the latest are skipped; each skip is logged once. Open
//     alerts of a slot older than Grace expire.
//   - pace (pace.go): a Limiter keeps the posts within Slack's limits, one
//     message a channel per PerChannel and GlobalRate a second across
//     channels, and holds a channel, or all of them, as long as a 429 said.
//     Sends are interleaved so that a channel shared by many sellers does
//     not hold the workers.
//   - send (send.go): Workers deliver the alerts, each exactly once,
//     through a Poster (slackpost.Once): an alert that may have gone out is
//     looked for once its post can no longer land, the orders are counted
//     when it is sent (none left: skipped), and the attempt is recorded
//     before the post. A failure is read from sellerbot.Retryable: a 429
//     waits without using up a try, an error no retry can cure fails the
//     alert at once, any other is retried with backoff up to MaxTries.
//   - record (send.go): each alert ends sent, skipped or failed in the
//     store, keyed by (slot, seller, channel).
//   - report (report.go): once every alert of a slot is done, its failures
//     are posted to the ops channel once, through the same Poster.
//
// render.go holds the Korean wording of alerts and reports; preview.go
// says what a slot would send, without sending.
//
// # Not here
//
// The work a filed request owes (its ops message, receipt, status notices
// and e-mail) is not on a clock: it is done at once after the change that
// owes it and retried with backoff by its own worker, outbox.Worker, whose
// sweep runs every minute from serve.
package scheduler
