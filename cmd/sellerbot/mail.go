package main

import (
	"context"

	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/mailer"
)

// smtpMailer adapts the SMTP client to what the handlers need.
type smtpMailer struct{ m *mailer.Mailer }

func (s smtpMailer) Send(ctx context.Context, m handlers.Mail) (retry bool, err error) {
	err = s.m.Send(ctx, mailer.Message{To: []string{m.To}, ReplyTo: m.ReplyTo, Subject: m.Subject, Body: m.Body, ID: m.ID})
	return mailer.Temporary(err), err
}
