// Package infra holds factcard's deployment: the SAM template (template.yaml), the
// sample Lambda events in events/ for `sam local invoke -e`, and the SAM CLI
// settings. It has no Go code of its own; its tests check the template with
// goformation and run the built bootstraps under the Lambda Runtime Interface
// Emulator with those events, against an S3-compatible server on loopback.
package infra
