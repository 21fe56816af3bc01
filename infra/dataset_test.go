package infra_test

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// publishSynthetic publishes n synthetic facts (generated text, not quotes) to the
// bucket and returns the dataset and its URL.
func publishSynthetic(t *testing.T, srv *s3server.Server, bucket string, n int) (*facts.Dataset, dataset.URL) {
	t.Helper()
	d, docs, err := factstest.Dataset(n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	res, err := dataset.Publish(context.Background(), s3store.New(srv.Client(t), bucket, ""), dataset.DefaultRoot, b)
	if err != nil {
		t.Fatal(err)
	}
	return d, dataset.URL{Bucket: bucket, Root: dataset.DefaultRoot, Version: res.Version}
}

// TestDamagedShardOnLambda: the api bootstrap under the emulator, on a published
// dataset one of whose shards is truncated in the bucket, answers a logged 500 for
// the facts of that shard, every time, and keeps serving the others.
func TestDamagedShardOnLambda(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	client := srv.Client(t)
	d, u := publishSynthetic(t, srv, bucket, 1200)
	shards := len(listKeys(t, client, bucket, published.ShardsPrefix(u.Root, u.Version)))
	if shards < 2 {
		t.Fatalf("%d shards; the test needs two or more", shards)
	}
	var damaged, sound string
	for _, f := range d.All() {
		switch published.ShardOf(f.ID, shards) {
		case 1:
			damaged = cmp.Or(damaged, f.ID)
		case 0:
			sound = cmp.Or(sound, f.ID)
		}
	}
	key := published.ShardKey(u.Root, u.Version, 1, shards)
	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(out.Body)
	out.Body.Close()
	if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: &key,
		Body: bytes.NewReader(body.Bytes()[:body.Len()/2])}); err != nil {
		t.Fatal(err)
	}

	emu := startEmulator(t, "api", rie, bootstrap(t, "api"),
		append(srv.Env(), "FACTCARD_BUCKET="+srv.CreateBucket(t, ""), "FACTCARD_DATASET="+u.String()))
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/facts/" + sound, http.StatusOK},
		{"/facts/" + damaged, http.StatusInternalServerError},
		{"/cards/" + damaged + ".png", http.StatusInternalServerError},
		{"/share/" + damaged, http.StatusInternalServerError},
		{"/cards/" + sound + ".png", http.StatusOK},
		{"/facts/" + damaged, http.StatusInternalServerError},
		{"/facts/no-such-fact", http.StatusNotFound},
		{"/healthz", http.StatusOK},
	} {
		template := "api-fact.json"
		if strings.HasPrefix(c.path, "/cards/") {
			template = "api-card.json"
		}
		status, _ := apiCall(t, emu, apiEvent(t, template, c.path, ""))
		if status != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, status, c.status)
		}
	}
	if _, ok := emu.waitLog("", func(l map[string]any) bool {
		s, _ := l["key"].(string)
		return l["message"] == "dataset shard refused" && l["level"] == "ERROR" && s == key
	}); !ok {
		t.Errorf("no ERROR log line \"dataset shard refused\" naming %s", key)
	}
}

// TestUnpublishedVersionOnLambda: a FACTCARD_DATASET whose version was never
// published fails the function's init, and the log says what is missing and how
// to publish it.
func TestUnpublishedVersionOnLambda(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	missing := dataset.URL{Bucket: bucket, Root: dataset.DefaultRoot, Version: strings.Repeat("0", published.VersionDigits)}
	for _, function := range []string{"api", "generate"} {
		t.Run(function, func(t *testing.T) {
			emu := startEmulator(t, function, rie, bootstrap(t, function),
				append(srv.Env(), "FACTCARD_BUCKET="+bucket, "FACTCARD_DATASET="+missing.String()))
			inv := emu.invoke(t, apiEvent(t, "api-healthz.json", "/healthz", ""))
			if inv.status != http.StatusBadGateway {
				t.Errorf("invoke with an unpublished dataset: emulator status %d, want 502 (init failed)", inv.status)
			}
			if _, ok := emu.waitLog("", func(l map[string]any) bool {
				s, _ := l["err"].(string)
				return l["message"] == "startup failed" && strings.Contains(s, "FACTCARD_DATASET") &&
					strings.Contains(s, "manifest.json") && strings.Contains(s, "factcard publish")
			}); !ok {
				t.Errorf("no \"startup failed\" log line naming FACTCARD_DATASET, the manifest and 'factcard publish'")
			}
		})
	}
}
