package knowledge

// Reply is an answer and how it was made: from the articles alone, with
// embeddings, or written by the optional language model from them.
type Reply struct {
	Answer
	Mode      string
	Generated string     // the model's answer (Mode generated, Answered)
	Given     []*Article // the articles the model was given: [n] is Given[n-1]
	Cited     []int      // the [n] the answer cites, in order of first use
	Fallback  string     // why the model's answer was not used, if it was not
}

// How a Reply was made.
const (
	ModeLexical   = "lexical"
	ModeHybrid    = "hybrid"
	ModeGenerated = "generated"
)
