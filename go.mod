module github.com/sellerbot/sellerbot

go 1.26.8

require (
	go.etcd.io/bbolt v1.4.3
	golang.org/x/text v0.43.0
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/sys v0.29.0 // indirect
