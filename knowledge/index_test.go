package knowledge

import (
	"reflect"
	"testing"
)

// The parallel build must produce exactly the serial index: term ids are
// assigned in document order whatever the number of workers.
func TestBuildIndexParallelMatchesSerial(t *testing.T) {
	arts := syntheticCorpus(300)
	docs := make([]docFields, len(arts))
	for i, a := range arts {
		docs[i] = docFields{a.Title, a.Questions[0], a.Keywords[0], a.Body}
	}
	serial := buildIndexWith(docs, defaultTuning, 1)
	for _, workers := range []int{2, 3, 7, 1000} {
		par := buildIndexWith(docs, defaultTuning, workers)
		if !reflect.DeepEqual(serial.ids, par.ids) {
			t.Fatalf("workers=%d: term ids differ", workers)
		}
		if !reflect.DeepEqual(serial.postings, par.postings) || !reflect.DeepEqual(serial.idf, par.idf) || !reflect.DeepEqual(serial.docTerms, par.docTerms) {
			t.Fatalf("workers=%d: index differs from the serial build", workers)
		}
	}
}

func TestSearchRanksAndLimits(t *testing.T) {
	docs := []docFields{
		{"반품 기간", "", "", "반품은 7일 이내"},
		{"배송비 정책", "", "", "묶음배송비"},
		{"반품 처리", "반품 승인", "반품", "반품입고완료"},
	}
	ix := buildIndex(docs, defaultTuning)
	id, _ := ix.lookup("반품")
	got := ix.search([]int32{id}, 5)
	if len(got) != 2 || got[0].doc != 2 || got[1].doc != 0 {
		t.Errorf("search(반품) = %v; want docs 2 then 0", got)
	}
	if got := ix.search([]int32{id}, 1); len(got) != 1 || got[0].doc != 2 {
		t.Errorf("search(반품, k=1) = %v; want only doc 2", got)
	}
	// The pooled accumulator must come back clean.
	if again := ix.search([]int32{id}, 5); !reflect.DeepEqual(again, ix.search([]int32{id}, 5)) || again[0].score != got[0].score {
		t.Errorf("repeated search differs: %v", again)
	}
}
