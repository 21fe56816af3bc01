package s3store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/functions/storage"
)

// ListAPI is the call List needs besides API; *s3.Client implements it. It is
// separate so that an API without it still makes a Store (List then reports
// errors.ErrUnsupported).
type ListAPI interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

var (
	_ ListAPI        = (*s3.Client)(nil)
	_ storage.Lister = (*Store)(nil)
)

// List implements storage.Lister with ListObjectsV2, page by page. (IAM: it needs
// s3:ListBucket for the prefix.)
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	if err := storage.ValidPrefix(prefix); err != nil {
		return nil, err
	}
	if s.prefixErr != nil {
		return nil, s.prefixErr
	}
	api, ok := s.api.(ListAPI)
	if !ok {
		return nil, fmt.Errorf("s3 list %s: %w", s.url(s.prefix+prefix), errors.ErrUnsupported)
	}
	full := s.prefix + prefix
	var keys []string
	p := s3.NewListObjectsV2Paginator(api, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &full})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.fail("list", full, err)
		}
		for _, o := range page.Contents {
			if k, ok := strings.CutPrefix(aws.ToString(o.Key), s.prefix); ok {
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}
