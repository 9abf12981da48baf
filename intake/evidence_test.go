package intake_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/laborbot/laborbot/intake"
)

func TestStoreEvidence(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		name := "plain"
		if sealed {
			name = "sealed"
		}
		t.Run(name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
				var sealer intake.Sealer
				if sealed {
					var err error
					if sealer, err = intake.NewSealer("test-data-key-0123456789"); err != nil {
						t.Fatal(err)
					}
				}
				f := newFixture(t, open, sealer)
				ctx := t.Context()
				const worker, fileID = 101, "AgACAgUAAxkBAAIBphoto"
				tk := f.submit(t, worker, complaint{})
				other := f.submit(t, 102, complaint{})
				if _, err := f.svc.AddEvidence(ctx, worker, tk.Number, intake.Evidence{FileID: fileID, Kind: "photo"}); err != nil {
					t.Fatal(err)
				}
				// Bytes that are neither UTF-8 nor text, like a JPEG.
				photo := append([]byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x80}, []byte("劳动合同照片 contract photo")...)

				if err := f.svc.StoreEvidence(ctx, tk.Number, fileID, photo); err != nil {
					t.Fatalf("StoreEvidence: %v", err)
				}
				if got := bytes.Contains(f.raw(t), []byte("劳动合同照片")); got == sealed {
					t.Fatalf("raw store holds the photo's bytes: %v; sealed %v", got, sealed)
				}

				for _, c := range []struct {
					name string
					user int64
					want error
				}{
					{"the worker", worker, nil},
					{"an admin", admin, nil},
					{"a mediator who has not claimed it", mediatorA, intake.ErrForbidden},
					{"another worker", 102, intake.ErrForbidden},
				} {
					got, err := f.svc.Evidence(ctx, c.user, tk.Number, fileID)
					if !errors.Is(err, c.want) || (c.want == nil && !bytes.Equal(got, photo)) {
						t.Errorf("Evidence for %s = %q, %v; want %v", c.name, got, err, c.want)
					}
				}
				if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
					t.Fatal(err)
				}
				if got, err := f.svc.Evidence(ctx, mediatorA, tk.Number, fileID); err != nil || !bytes.Equal(got, photo) {
					t.Errorf("Evidence for the claiming mediator = %q, %v", got, err)
				}
				if _, err := f.svc.Evidence(ctx, mediatorB, tk.Number, fileID); !errors.Is(err, intake.ErrForbidden) {
					t.Errorf("Evidence for another mediator: %v; want ErrForbidden", err)
				}
				if _, err := f.svc.Evidence(ctx, worker, 999, fileID); !errors.Is(err, intake.ErrForbidden) {
					t.Errorf("Evidence of a missing ticket for a worker: %v; want ErrForbidden", err)
				}
				if _, err := f.svc.Evidence(ctx, worker, tk.Number, "not-downloaded"); !errors.Is(err, intake.ErrNotFound) {
					t.Errorf("Evidence of a file not downloaded: %v; want ErrNotFound", err)
				}

				refused := []struct {
					name   string
					number int64
					fileID string
					data   []byte
				}{
					{"a file id not on the ticket", tk.Number, "someone-elses", photo},
					{"another ticket's file id", other.Number, fileID, photo},
					{"a missing ticket", 999, fileID, photo},
					{"a file over MaxEvidenceSize", tk.Number, fileID, make([]byte, intake.MaxEvidenceSize+1)},
				}
				for _, r := range refused {
					if err := f.svc.StoreEvidence(ctx, r.number, r.fileID, r.data); err == nil {
						t.Errorf("StoreEvidence took %s", r.name)
					}
				}
				// A file of the largest size fits the Store, sealed or not.
				if err := f.svc.StoreEvidence(ctx, tk.Number, fileID, bytes.Repeat([]byte{0xab}, intake.MaxEvidenceSize)); err != nil {
					t.Errorf("StoreEvidence of MaxEvidenceSize bytes: %v", err)
				}

				if sealed {
					if err := f.svc.StoreEvidence(ctx, tk.Number, fileID, photo); err != nil {
						t.Fatal(err)
					}
					noKey := intake.NewService(f.store, intake.Options{Admins: []int64{admin}})
					if _, err := noKey.Evidence(ctx, admin, tk.Number, fileID); !errors.Is(err, intake.ErrNoDataKey) {
						t.Errorf("sealed evidence read without DATA_KEY: %v; want ErrNoDataKey", err)
					}
				}

				if _, err := f.svc.DeleteWorkerData(ctx, worker); err != nil {
					t.Fatal(err)
				}
				if _, err := f.svc.Evidence(ctx, admin, tk.Number, fileID); !errors.Is(err, intake.ErrNotFound) {
					t.Errorf("Evidence after DeleteWorkerData: %v; want ErrNotFound", err)
				}
				if err := f.svc.StoreEvidence(ctx, tk.Number, fileID, photo); err == nil {
					t.Error("StoreEvidence stored a file of an erased ticket")
				}
			})
		})
	}
}
