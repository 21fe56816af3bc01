package curate

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// This file reads who a quotation is attributed to, the way news is written:
// speech verbs in every tense and form, names before or after the quotation,
// appositions ("the foreign minister, Anne Lise Berg, said"), a name's full form
// from its first mention, split and follow-on quotes, pronouns, and described
// speakers. It works on the words of the quotation's sentence (bounded by the
// extractor's window) and on an index of the names the text gives, built once.

// ref is a speaker as the words around a quotation give them.
type ref struct {
	role, name string // name: a person's or a body's name, or a description
	desc       bool   // name is a description ("a senior official"), not a name
	org        bool   // name is a body's, not a person's
	pronoun    string // the sentence gives only this pronoun
	at         int    // byte offset of the name in the words it was read from; -1 when not there
}

// attribution is what the words around a quotation say about who said it.
type attribution struct {
	ref      ref
	mention  string // the name as the sentence gives it, when it resolves to a longer one
	inBefore bool   // the name is in the words before the quotation (ref.at is in them)
	form     string
	reason   string
}

func (a attribution) speaker() string {
	if a.reason != "" && a.ref.name == "" {
		return ""
	}
	return a.ref.name
}

// speechVerbs report words, in every form a news text uses. Verbs of thought
// ("believes") are not among them: a sentence that only says what someone
// believes does not say they spoke.
const speechVerbs = `said|says|say|saying|told|tells|tell|telling|added|adds|adding|posted|wrote|writes|writing|tweeted|tweets|tweeting|` +
	`stated|stating|noted|noting|explained|explains|explaining|insisted|insists|insisting|argued|argues|arguing|` +
	`declared|declares|declaring|warned|warns|warning|replied|replies|replying|asked|asks|asking|stressed|stresses|stressing|` +
	`emphasised|emphasized|emphasising|emphasizing|urged|urges|urging|condemned|condemns|condemning|described|describes|describing|` +
	`called|calling|termed|labelled|labeled|branded|dismissed|announced|announces|announcing|reiterated|reiterating|` +
	`claimed|claiming|maintained|admitted|admits|admitting|acknowledged|acknowledging|remarked|remarking|` +
	`observed|observing|commented|commenting|responded|responding|reacted|continued|continues|recalled|recalls|recalling|` +
	`characterized|characterised|characterizing|characterising|justified|praised|praising|hailed|criticised|criticized|` +
	`criticising|criticizing|attacked|denounced|thanked|thanking|indicated|indicating|revealed|cautioned|cautioning|` +
	`elaborated|concluded|suggested|suggesting|informed|talked|spoke|speaking|expressed|cited|citing|read|reported|` +
	`confirmed|confirming|conceded|complained|pledged|promised|blamed|blaming|vowed|testified|quipped|` +
	`exclaimed|shouted|wondered|predicted|accused|accusing|mentioned|answered|ruled|referred|write|explain|warn|insist|stress|` +
	`underlined|underscored|reaffirmed|reasserted|denied|defended|shouting|lamented|boasted|joked|pleaded|demanded|proclaimed|contended|` +
	`Saying|Speaking|Adding|Calling|Writing|Asking|Responding|Commenting|Explaining|Describing`

// determinerLike words before a speech verb make it a noun ("their comments").
var determinerLike = map[string]bool{"the": true, "a": true, "an": true, "his": true, "her": true, "their": true,
	"its": true, "our": true, "my": true, "your": true, "these": true, "those": true, "this": true}

// participles are the speech verbs in -ing: the subject is the clause's.
func participle(verb string) bool { return strings.HasSuffix(verb, "ing") }

// attributionPatterns find, around a quote, the words that say who spoke.
type attributionPatterns struct {
	according, aside *regexp.Regexp
}

// attributionRE returns the attribution patterns, compiled on first use: Unicode
// classes in counted repetitions take milliseconds to compile, which every start
// of the command line would otherwise pay, whatever the command.
var attributionRE = sync.OnceValue(func() *attributionPatterns {
	return &attributionPatterns{
		according: regexp.MustCompile(`(?i:according to)\s+([^,;:]{1,120}?)\s*(?:,|$)`),
		aside:     regexp.MustCompile(`,\s+(?:who|which|whose)\b[^,]*,|\s[—–]\s[^—–]*\s[—–]\s|\([^()]*\)`),
	}
})

// skipBeforeVerb are the words between a subject and its speech verb ("Schwartz
// went on to say", "Trump also said").
var skipBeforeVerb = map[string]bool{"has": true, "have": true, "had": true, "also": true, "later": true, "then": true,
	"again": true, "separately": true, "repeatedly": true, "publicly": true, "once": true, "previously": true,
	"earlier": true, "is": true, "was": true, "were": true, "are": true, "further": true, "went": true, "go": true,
	"goes": true, "on": true, "to": true, "continued": true, "by": true, "would": true, "will": true, "did": true,
	"does": true, "even": true, "as": true, "far": true, "quickly": true, "both": true, "yesterday": true, "today": true,
	"reportedly": true, "subsequently": true, "first": true, "finally": true, "last": true, "night": true,
	"tonight": true, "recently": true, "immediately": true, "himself": true, "herself": true, "themselves": true,
	"only": true, "not": true, "never": true, "always": true, "often": true, "initially": true, "still": true,
	"allegedly": true, "directly": true, "openly": true, "privately": true, "strongly": true, "loudly": true,
	"angrily": true, "briefly": true, "namely": true, "specifically": true, "this": true, "morning": true,
	"afternoon": true, "evening": true, "week": true, "been": true, "being": true, "may": true, "might": true,
	"could": true, "should": true, "can": true, "had earlier": true}

var monthNames = map[string]bool{"January": true, "February": true, "March": true, "April": true, "June": true,
	"July": true, "August": true, "September": true, "October": true, "November": true, "December": true}

var weekdayNames = map[string]bool{"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true,
	"Saturday": true, "Sunday": true}

// clauseWords start a clause of their own: the subject of a verb after them is
// not before them.
var clauseWords = map[string]bool{"while": true, "but": true, "whereas": true, "because": true, "when": true,
	"although": true, "though": true, "if": true, "that": true, "after": true, "before": true, "since": true,
	"as": true, "and": true, "so": true, "where": true, "what": true, "who": true, "which": true, "whom": true}

// documents are what words are read from: their author is who speaks.
var documents = map[string]bool{"statement": true, "letter": true, "message": true, "post": true, "tweet": true,
	"release": true, "report": true, "decree": true, "description": true, "note": true, "notice": true}

// inscriptions carry words no one is said to speak: a banner "saying" them.
var inscriptions = map[string]bool{"banner": true, "banners": true, "sign": true, "signs": true, "placard": true,
	"placards": true, "poster": true, "posters": true, "headline": true, "caption": true, "slogan": true,
	"t-shirt": true, "shirt": true, "graffiti": true, "plaque": true, "billboard": true, "flag": true}

// affiliation words after a name say whom the person speaks for.
var affiliation = map[string]bool{"of": true, "from": true, "at": true, "on": true}

// prepositions before a name make it an object, not a speaker.
var prepositions = map[string]bool{"of": true, "to": true, "with": true, "by": true, "for": true, "from": true,
	"about": true, "against": true, "at": true, "in": true, "on": true, "into": true, "over": true, "under": true,
	"between": true, "among": true, "toward": true, "towards": true, "after": true, "before": true, "like": true,
	"than": true, "via": true, "during": true, "despite": true, "beyond": true, "following": true, "amid": true,
	"without": true, "within": true, "through": true, "across": true, "behind": true, "near": true, "upon": true}

// quantifiers start a description ("one of the victims", "some protesters").
var quantifiers = map[string]bool{"the": true, "a": true, "an": true, "one": true, "some": true, "another": true,
	"two": true, "three": true, "several": true, "many": true, "his": true, "her": true, "their": true, "its": true,
	"our": true, "my": true, "your": true, "each": true, "all": true, "most": true, "other": true, "others": true,
	"both": true, "few": true, "this": true, "that": true, "these": true, "those": true}

// orgWords mark a run of capitalised words as a body's name, not a person's.
var orgWords = map[string]bool{"university": true, "college": true, "institute": true, "party": true, "council": true,
	"committee": true, "commission": true, "ministry": true, "department": true, "office": true, "police": true,
	"court": true, "guard": true, "forces": true, "force": true, "army": true, "navy": true, "agency": true,
	"association": true, "union": true, "society": true, "foundation": true, "organisation": true, "organization": true,
	"corps": true, "church": true, "times": true, "post": true, "news": true, "press": true, "network": true,
	"service": true, "services": true, "bank": true, "group": true, "company": true, "corporation": true, "inc": true,
	"ltd": true, "board": true, "authority": true, "administration": true, "government": true, "parliament": true,
	"congress": true, "senate": true, "house": true, "assembly": true, "coalition": true, "alliance": true,
	"centre": true, "center": true, "hospital": true, "school": true, "museum": true, "embassy": true, "front": true,
	"movement": true, "federation": true, "league": true, "club": true, "team": true, "trust": true, "fund": true,
	"program": true, "programme": true, "project": true, "campaign": true, "initiative": true, "summit": true,
	"conference": true, "war": true, "week": true, "festival": true, "games": true, "cup": true,
	"act": true, "treaty": true, "station": true, "airport": true, "street": true,
	"road": true, "square": true, "hall": true, "bridge": true, "palace": true, "tower": true, "park": true,
	"state": true, "states": true, "kingdom": true, "republic": true, "nations": true, "rescue": true,
	"brigade": true, "command": true, "bureau": true, "cabinet": true, "yuan": true, "journal": true,
	"magazine": true, "see": true, "international": true, "watch": true, "daily": true, "herald": true,
	"tribune": true, "telegraph": true, "guardian": true, "review": true, "radio": true, "television": true,
	"tv": true, "channel": true, "institution": true, "oceanography": true, "world": true, "world's": true,
	"county": true, "city": true, "district": true, "region": true, "province": true, "island": true, "islands": true,
	"sea": true, "ocean": true, "river": true, "mountains": true, "valley": true, "abuse": true, "guild": true}

// honorifics go with a name but are not part of it for matching; they are kept
// as the text gives them.
var honorificWords = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sir": true,
	"dame": true, "monsenor": true, "monsignor": true, "monseñor": true, "rev": true, "hon": true, "cde": true,
	"mme": true, "mister": true}

// postnominals follow a name: "Durham Hall QC".
var postnominals = map[string]bool{"QC": true, "KC": true, "MP": true, "MEP": true, "MSP": true, "Jr": true, "Jr.": true,
	"Sr": true, "Sr.": true, "OBE": true, "MBE": true, "CBE": true, "PhD": true, "II": true, "III": true}

// particles join the words of a name: "Mohammad bin Salman", "Bill de Blasio".
var particles = map[string]bool{"bin": true, "ibn": true, "de": true, "al": true, "van": true, "von": true, "da": true,
	"la": true, "le": true, "du": true, "der": true, "del": true, "dos": true, "el": true, "di": true, "y": true}

// sentenceStarters are capitalised at a sentence's start without naming anyone.
var sentenceStarters = map[string]bool{"The": true, "A": true, "An": true, "In": true, "On": true, "At": true,
	"This": true, "That": true, "These": true, "Those": true, "When": true, "While": true, "After": true,
	"Before": true, "Speaking": true, "Asked": true, "According": true, "Meanwhile": true, "However": true,
	"Also": true, "But": true, "And": true, "Following": true, "During": true, "Despite": true, "Yesterday": true,
	"Today": true, "Earlier": true, "Later": true, "Last": true, "His": true, "Her": true, "Their": true, "Its": true,
	"It": true, "He": true, "She": true, "They": true, "We": true, "I": true, "If": true, "As": true, "For": true,
	"With": true, "From": true, "To": true, "By": true, "Of": true, "One": true, "Some": true, "Another": true,
	"Many": true, "Several": true, "Former": true, "Ex": true, "Both": true, "Calling": true, "Saying": true,
	"Namely": true, "Specifically": true, "Newly": true, "Reportedly": true, "Incumbent": true, "Fellow": true,
	"Under": true, "Since": true, "Although": true, "Though": true, "Because": true, "Amid": true, "Until": true,
	"Here": true, "There": true, "Now": true, "Then": true, "So": true, "Yet": true, "Such": true, "Every": true,
	"Each": true, "All": true, "Most": true, "No": true, "Not": true, "Only": true, "Even": true, "Why": true,
	"How": true, "What": true, "Who": true, "Where": true, "Whatever": true, "Whenever": true, "Thank": true}

var extraRoleWords = map[string]bool{"assemblywoman": true, "assemblyman": true, "congressman": true,
	"congresswoman": true, "secretary-general": true, "broadcaster": true, "inspector": true, "detective": true,
	"sergeant": true, "superintendent": true, "constable": true, "bishop": true, "archbishop": true, "cardinal": true,
	"pope": true, "admiral": true, "commandant": true, "sheriff": true, "attorney": true, "prosecutor": true,
	"rapporteur": true, "legislator": true, "executive": true, "speaker": true, "whip": true, "candidate": true,
	"nominee": true, "emir": true, "sheikh": true, "prince": true, "princess": true, "crown": true, "sultan": true,
	"marshal": true, "lieutenant": true, "agent": true, "historian": true, "author": true, "writer": true,
	"singer": true, "actor": true, "actress": true, "drummer": true, "designer": true, "artist": true, "chef": true,
	"coach": true, "pilot": true, "host": true, "presenter": true, "anchor": true, "reporter": true,
	"journalist": true, "columnist": true, "dean": true, "rector": true, "scholar": true, "anthropologist": true,
	"student": true, "protester": true, "witness": true, "eyewitness": true, "member": true, "chairperson": true,
	"treasurer": true, "ombudsman": true, "coroner": true, "magistrate": true, "justice": true, "counsel": true,
	"barrister": true, "solicitor": true, "surgeon": true, "physician": true, "nurse": true, "firefighter": true,
	"ayatollah": true, "imam": true, "rabbi": true, "pastor": true, "reverend": true, "oceanographer": true,
	"biologist": true, "physicist": true, "chemist": true, "psychiatrist": true, "spokesman": true,
	"superstar": true, "businessman": true, "businesswoman": true, "entrepreneur": true, "ceo": true, "cfo": true,
	"coo": true, "chairman": true, "boss": true, "leader": true, "supremo": true, "monarch": true, "regent": true,
	"councilwoman": true, "councilman": true, "alderman": true, "governor-general": true, "attorney-general": true,
	"director-general": true, "vice-president": true, "co-founder": true, "cofounder": true, "administrator": true,
	"principal": true, "teacher": true, "priest": true, "minister-president": true, "premier": true,
	"staffer": true, "aide": true, "strategist": true, "commentator": true, "pundit": true, "consultant": true,
	"monsenor": true, "monsignor": true, "monseñor": true}

// kinship words come before a name as a role does ("His wife Mary"), but "the
// father" does not stand for a title the text gives anyone.
var kinship = map[string]bool{"wife": true, "husband": true, "son": true, "daughter": true, "mother": true,
	"father": true, "brother": true, "sister": true, "fiancée": true, "fiance": true, "fiancé": true, "widow": true,
	"uncle": true, "aunt": true, "cousin": true, "partner": true, "girlfriend": true, "boyfriend": true,
	"grandson": true, "granddaughter": true, "niece": true, "nephew": true, "friend": true}

// isRole reports whether a word (any case, hyphenated parts too) is a title a
// text puts in front of a name.
func isRole(w string) bool {
	lw := strings.ToLower(strings.Trim(w, ".,;:"))
	if roleWords[lw] || extraRoleWords[lw] {
		return true
	}
	if sg, ok := strings.CutSuffix(lw, "s"); ok && capWord(w) && (roleWords[sg] || extraRoleWords[sg]) {
		return true // "Members of the House"
	}
	if i := strings.IndexByte(lw, '-'); i > 0 {
		for _, p := range strings.Split(lw, "-") {
			if p != "ex" && p != "co" && p != "vice" && (roleWords[p] || extraRoleWords[p]) {
				return true
			}
		}
	}
	return false
}

// tok is a word of a text with its byte offset there.
type tok struct {
	s  string // as the text gives it, with its punctuation
	at int
}

// core is the word without the punctuation around it, and without a possessive.
func (t tok) core() string {
	s := strings.TrimLeft(t.s, `("“‘'[`)
	s = strings.TrimRight(s, `,;:!?)"”’'].`)
	if strings.HasSuffix(t.s, ".") && (isInitial(s+".") || abbreviations[s] || honorificWords[strings.ToLower(s)]) {
		s += "."
	}
	for _, p := range []string{"'s", "’s"} {
		if c, ok := strings.CutSuffix(s, p); ok && c != "" {
			return c
		}
	}
	return s
}

// word is the word without the punctuation around it, a possessive kept:
// names are built from these ("Fishermen's Guild").
func (t tok) word() string {
	s := strings.TrimLeft(t.s, `("“‘'[`)
	s = strings.TrimRight(s, `,;:!?)"”].`)
	s = strings.TrimRight(s, "’'")
	if strings.HasSuffix(s, "s") && (strings.HasSuffix(t.s, "s'") || strings.HasSuffix(t.s, "s’")) {
		s += "'"
	}
	if strings.HasSuffix(t.s, ".") && (isInitial(s+".") || abbreviations[s] || honorificWords[strings.ToLower(s)]) {
		s += "."
	}
	return s
}

func (t tok) possessive() bool {
	c := strings.TrimRight(t.s, `,;:!?)"”.`)
	return strings.HasSuffix(c, "'s") || strings.HasSuffix(c, "’s") || strings.HasSuffix(c, "s'") || strings.HasSuffix(c, "s’")
}

func (t tok) endsClause() bool {
	if strings.ContainsAny(t.s[len(t.s)-1:], ",;:!?") {
		return true
	}
	// A full stop ends a sentence unless it ends an initial or an abbreviation.
	if c := strings.TrimRight(t.s, `"”’')`); strings.HasSuffix(c, ".") {
		w := strings.TrimLeft(strings.TrimSuffix(c, "."), `("“‘'`)
		return !isInitial(w+".") && !abbreviations[w] && !honorificWords[strings.ToLower(w)] && !strings.Contains(w, ".")
	}
	return false
}

func tokens(s string, base int) []tok {
	var out []tok
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, tok{s[start:i], base + start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, tok{s[start:], base + start})
	}
	return out
}

func capWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		// "el-Sisi", "al-Assadi": a particle joined to a capitalised name.
		if i := strings.IndexByte(w, '-'); i > 0 && i <= 3 && particles[w[:i]] {
			r2, _ := utf8.DecodeRuneInString(w[i+1:])
			return unicode.IsUpper(r2)
		}
		return false
	}
	return true
}

// run is a run of capitalised words (with the particles of names) in a list of
// words: words [i, j).
type run struct{ i, j int }

// capRuns finds the runs of capitalised words in ws. A run ends at a word that
// ends a clause or is possessive (that word belongs to it).
func capRuns(ws []tok) []run {
	var out []run
	for i := 0; i < len(ws); {
		c := ws[i].core()
		if c == "" || !capWord(c) || strings.HasPrefix(ws[i].s, "(") {
			i++
			continue
		}
		j := i + 1
		capNext := func(k int) bool { return k < len(ws) && capWord(ws[k].core()) && !strings.HasPrefix(ws[k].s, "(") }
		end := ws[i].endsClause() || ws[i].possessive() && !capNext(i+1)
		for !end && j < len(ws) {
			cj := ws[j].core()
			if cj == "" || strings.HasPrefix(ws[j].s, "(") {
				break
			}
			if capWord(cj) || (particles[cj] && capNext(j+1)) {
				end = ws[j].endsClause() || ws[j].possessive() && !capNext(j+1)
				j++
				continue
			}
			break
		}
		out = append(out, run{i, j})
		i = j
	}
	return out
}

// person is a name the text gives, split from the titles around it.
type person struct {
	role, name string
	org        bool
}

// splitRun reads a run of capitalised words ws[r.i:r.j] as a role and a name:
// "Health Minister Łukasz Szumowski" → ("Health Minister", "Łukasz Szumowski"),
// "Secretary of State Mike Pompeo" (run "State Mike Pompeo" after "of") →
// ("Secretary of State", "Mike Pompeo"). ok is false when no name is left.
func splitRun(ws []tok, r run) (p person, ok bool) {
	words := make([]string, 0, r.j-r.i)
	for k := r.i; k < r.j; k++ {
		if k < r.j-1 {
			words = append(words, ws[k].word())
		} else {
			words = append(words, ws[k].core())
		}
	}
	// Sentence starters and honorifics in front are not the name.
	lead := 0
	for lead < len(words)-1 && (sentenceStarters[words[lead]] || weekdayNames[words[lead]] || monthNames[words[lead]]) {
		lead++
	}
	if lead == len(words)-1 && (sentenceStarters[words[lead]] || weekdayNames[words[lead]] || monthNames[words[lead]]) {
		return person{}, false
	}
	words = words[lead:]
	for len(words) > 1 && (strings.HasSuffix(words[0], "-old") || strings.HasSuffix(words[0], "-led") || strings.HasSuffix(words[0], "-backed") || strings.HasSuffix(words[0], "-based") || strings.HasSuffix(words[0], "-owned")) {
		words = words[1:]
	}
	// Postnominals after it are not either.
	for len(words) > 1 && postnominals[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	last := -1
	for k, w := range words {
		if isRole(w) {
			last = k
		}
	}
	var role []string
	if last >= 0 {
		role, words = words[:last+1], words[last+1:]
	} else if rb := roleBefore(ws, r); rb && len(words) >= 3 {
		// "Secretary of State Mike Pompeo": the run after "of" starts with the body.
		keep := 2
		if len(words) >= 4 && (isInitial(words[len(words)-2]) || particles[words[len(words)-2]]) {
			keep = 3
		}
		role, words = words[:len(words)-keep], words[len(words)-keep:]
	}
	// A body's name with a person's after it: "United Nations Nikki Haley".
	if lo := lastOrgWord(words); lo >= 0 && len(words)-lo-1 >= 2 && lo < len(words)-1 {
		tail := words[lo+1:]
		if lastOrgWord(tail) < 0 && !isRole(tail[0]) {
			role, words = append(role, words[:lo+1]...), tail
		}
	}
	// Honorifics stay with the name; a name is not only an honorific.
	if len(words) == 0 || len(words) == 1 && honorificWords[strings.ToLower(strings.TrimSuffix(words[0], "."))] {
		return person{}, false
	}
	p.role = strings.Join(role, " ")
	p.name = strings.TrimRight(strings.Join(words, " "), ".")
	for _, w := range words[:len(words)-1] {
		if strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "s'") {
			p.org = true // "International Women's Day"
		}
	}
	for _, w := range words {
		lw := strings.ToLower(w)
		if orgWords[lw] || strings.HasSuffix(lw, ".com") {
			p.org = true
		}
	}
	if len(words) == 1 && isAcronym(words[0]) || placeWords[words[0]] {
		p.org = true
	}
	return p, true
}

func isAcronym(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '&' {
			return false
		}
		n++
	}
	return n >= 2
}

// nameIndex holds the persons' names a text gives, by the folded last word of
// each, and the roles each is given.
type nameIndex struct {
	bySurname map[string][]string
	roleText  map[string][]string // folded surname → the distinct roles the text gives it
	roles     map[string][]string // role word (lower case) → the full names given it
	acronyms  map[string]string   // "SDF" → "Syrian Democratic Forces"
	single    [][2]string         // one-word names with the role words before them, read after the rest
}

func (ix *nameIndex) addPerson(name string, roleWords []string) {
	f := strings.Fields(name)
	if len(f) == 1 && len(roleWords) > 0 {
		ix.single = append(ix.single, [2]string{name, strings.Join(roleWords, " ")}) // "Pope Francis"
		return
	}
	if len(f) < 2 || len(f) > 5 {
		return
	}
	key := foldKey(f[len(f)-1])
	if givenKey(f) == "" {
		return // "De Blasio": a surname with its particle, not a fuller form
	}
	if !slices.Contains(ix.bySurname[key], name) {
		ix.bySurname[key] = append(ix.bySurname[key], name)
	}
	for _, rw := range roleWords {
		rw = strings.ToLower(rw)
		if !slices.Contains(ix.roles[rw], name) {
			ix.roles[rw] = append(ix.roles[rw], name)
		}
	}
}

// buildNameIndex reads every line's runs of capitalised words once.
func buildNameIndex(lines []line) *nameIndex {
	ix := &nameIndex{bySurname: map[string][]string{}, roleText: map[string][]string{}, roles: map[string][]string{}, acronyms: map[string]string{}}
	for _, ln := range lines {
		ws := tokens(ln.s, ln.start)
		for _, r := range capRuns(ws) {
			p, ok := splitRun(ws, r)
			if !ok {
				continue
			}
			if p.org {
				// "Syrian Democratic Forces (SDF)".
				if r.j < len(ws) {
					if a := strings.Trim(ws[r.j].s, "(),.;:"); strings.HasPrefix(ws[r.j].s, "(") && isAcronym(a) {
						ix.acronyms[a] = p.name
					}
				}
				continue
			}
			// The role as the text puts it in front of the name, title words in
			// lower case and the body before them too ("US State Department spokesperson").
			role := p.role
			k := r.i
			for k > 0 && !ws[k-1].endsClause() && !sentenceStarters[ws[k-1].core()] &&
				(capWord(ws[k-1].core()) && !ws[k-1].possessive() || isRole(ws[k-1].core()) || ws[k-1].core() == "of" && k > 1 && capWord(ws[k-2].core())) {
				k--
			}
			if k < r.i {
				role = strings.TrimSpace(strings.Join(coresOf(ws[k:r.i]), " ") + " " + role)
			}
			var rws []string
			for _, w := range strings.Fields(role) {
				if isRole(w) {
					rws = append(rws, w)
				}
			}
			ix.addPerson(p.name, rws)
			if f := strings.Fields(p.name); role != "" {
				key := foldKey(f[len(f)-1])
				if !slices.Contains(ix.roleText[key], role) {
					ix.roleText[key] = append(ix.roleText[key], role)
				}
			}
		}
	}
	// A one-word name after a title ("Pope Francis", "President Fernández"):
	// the title stands for the full name the text gives, or for the one word.
	for _, sn := range ix.single {
		full, forms := ix.resolve(sn[0])
		if len(forms) > 0 {
			continue
		}
		for _, rw := range strings.Fields(strings.ToLower(sn[1])) {
			if !slices.Contains(ix.roles[rw], full) {
				ix.roles[rw] = append(ix.roles[rw], full)
			}
		}
	}
	return ix
}

// resolve gives the fullest form of a name the text gives: "Erdogan" →
// "Recep Tayyip Erdoğan", "John Bolton" → "John R. Bolton". forms lists the
// names it could be when the text gives several people that name.
func (ix *nameIndex) resolve(name string) (full string, forms []string) {
	f := strings.Fields(name)
	if len(f) == 0 {
		return name, nil
	}
	if len(f) == 1 {
		if a, ok := ix.acronyms[f[0]]; ok {
			return a, nil
		}
	}
	cands := ix.bySurname[foldKey(f[len(f)-1])]
	first := ""
	if len(f) > 1 {
		first = givenKey(f)
	}
	if first == "" && len(f) > 1 {
		// "de Blasio": the surname with its particle.
		f = f[len(f)-1:]
	}
	var group []string
	groups := 0
	var firsts []string
	for _, c := range cands {
		cf := strings.Fields(c)
		if len(cf) < len(f) {
			continue
		}
		if first != "" && givenKey(cf) != first {
			continue
		}
		k := givenKey(cf)
		if !slices.Contains(firsts, k) {
			firsts = append(firsts, k)
			groups++
		}
		group = append(group, c)
	}
	switch {
	case groups == 0:
		return name, nil
	case groups > 1:
		return "", group
	}
	best := name
	for _, c := range group {
		if len(c) > len(best) {
			best = c
		}
	}
	return best, nil
}

// foldKey folds a word for comparing names: no case, no diacritics, no possessive.
func foldKey(w string) string {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	var b strings.Builder
	for _, r := range strings.ToLower(w) {
		if i := strings.IndexRune(latinFrom, r); i >= 0 {
			r = []rune(latinTo)[utf8.RuneCountInString(latinFrom[:i])]
		}
		b.WriteRune(r)
	}
	return b.String()
}

// givenKey is the first word of a name that is not an honorific, folded, an
// initial without its full stop: "Dr. S. Jaishankar" and "S Jaishankar" → "s".
func givenKey(f []string) string {
	for _, w := range f[:len(f)-1] {
		if honorificWords[strings.ToLower(strings.TrimSuffix(w, "."))] || particles[strings.ToLower(w)] {
			continue
		}
		return foldKey(strings.TrimSuffix(w, "."))
	}
	return ""
}

const (
	latinFrom = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž"
	latinTo   = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnoooooooooorrrsssstttuuuuuuuuuuwyyyzzz"
)

// parseNP reads a noun phrase (one segment of a clause, no commas) as a speaker:
// a person or body named, or a description. at is the byte offset of s in the
// words the offsets of ref count from.
func (x *extractor) parseNP(s string, at int) (ref, bool) {
	ws := tokens(s, at)
	// Drop a parenthesis: "(IRGC)", "(no relation)".
	ws = slices.DeleteFunc(ws, func(t tok) bool { return strings.HasPrefix(t.s, "(") || strings.HasSuffix(t.s, ")") })
	if len(ws) == 0 {
		return ref{}, false
	}
	if len(ws) == 1 && pronouns[strings.ToLower(ws[0].core())] {
		return ref{pronoun: ws[0].core(), at: ws[0].at}, true
	}
	firstLow := strings.ToLower(ws[0].core())
	runs := capRuns(ws)
	// The head: a person's name, the first followed by "of", "from" … (the rest
	// modifies it), else the last; a body's name when no person is named. A
	// possessive is a modifier ("Day's animal foundation").
	head, orgHead := -1, -1
	for k, r := range runs {
		if ws[r.j-1].possessive() {
			continue
		}
		if r.i > 0 {
			pi := r.i - 1
			for pi > 0 && ws[pi].core() != "" && unicode.IsDigit([]rune(ws[pi].core())[0]) {
				pi-- // "for 10 Downing Street"
			}
			pl := strings.ToLower(ws[pi].core())
			if pl == "the" && k == 0 && r.i == 1 {
				// "The Coast Guard": the run is the body itself.
			} else if prepositions[pl] && !roleBefore(ws, r) && !(pl == "of" && runHasTitledName(ws, r)) {
				continue // "one of the Victims", "representatives from Iran"
			}
		}
		p, ok := splitRun(ws, r)
		if !ok {
			continue
		}
		if p.org {
			if orgHead < 0 {
				orgHead = k
			}
			continue
		}
		head = k
		if r.j < len(ws) && (affiliation[strings.ToLower(ws[r.j].core())] || strings.HasPrefix(ws[r.j].s, "(")) {
			break // "Peter Iseley of …", "Regina Ip from …"
		}
	}
	if head < 0 && orgHead >= 0 {
		if r := runs[orgHead]; r.j < len(ws) && !capWord(ws[r.j].core()) && isRole(ws[r.j].core()) {
			// "A Hampshire Police spokesman": the body's spokesman, not the body.
			return ref{name: joinTokens(ws), desc: true, at: ws[0].at}, true
		}
	}
	if head < 0 {
		head = orgHead
		if head >= 0 && runs[head].i >= 2 && strings.ToLower(ws[runs[head].i-1].core()) == "the" && prepositions[strings.ToLower(ws[runs[head].i-2].core())] &&
			(quantifiers[firstLow] || isRole(ws[0].core())) {
			// "Members of the House of Commons": the body is the description's, not the speaker.
			return ref{name: joinTokens(ws), desc: true, at: ws[0].at}, true
		}
	}
	if head > 0 && !(head == orgHead) {
		// "Drosk and Okonkwo-Tell": two speakers.
		for k := runs[head-1].j; k < runs[head].i; k++ {
			if c := ws[k].core(); c == "and" || c == "&" {
				return ref{name: joinTokens(ws[runs[head-1].i:runs[head].j]), at: ws[runs[head-1].i].at}, true
			}
		}
	}
	if head >= 0 {
		r := runs[head]
		p, _ := splitRun(ws, r)
		// A body's name runs on through "of": "Foreign Ministry of Iraq".
		if p.org {
			for r.j+1 < len(ws) && (strings.ToLower(ws[r.j].core()) == "of" || strings.ToLower(ws[r.j].core()) == "for" || strings.ToLower(ws[r.j].core()) == "on") && capWord(ws[r.j+1].core()) {
				next := r.j + 1
				for _, rr := range runs {
					if rr.i == next {
						r.j = rr.j
					}
				}
				if r.j < next {
					break
				}
				p.name = p.name + " " + strings.Join(coresOf(ws[runs[head].j:r.j]), " ")
			}
		}
		// The words before the name in the phrase are its role, when they are one.
		var role []string
		for k := 0; k < r.i; k++ {
			role = append(role, ws[k].core())
		}
		for len(role) > 0 && quantifiers[strings.ToLower(role[0])] {
			role = role[1:]
		}
		if p.role != "" {
			role = append(role, p.role)
		}
		if quantifiers[firstLow] && !p.org && runs[head].i > 0 && !isRole(ws[runs[head].i-1].core()) && !kinship[strings.ToLower(ws[runs[head].i-1].core())] && strings.ToLower(ws[runs[head].i-1].core()) != "the" {
			// "a protester using the pseudonym Katya": the name is a detail of a description.
			return ref{name: joinTokens(ws), desc: true, at: ws[0].at}, true
		}
		nameAt := ws[r.i].at
		if idx := strings.Index(s[nameAt-at:], strings.Fields(p.name)[0]); idx >= 0 {
			nameAt += idx
		}
		return ref{role: strings.Join(role, " "), name: p.name, org: p.org, at: nameAt}, true
	}
	// No name: a description, when it is one ("a senior official", "the police").
	if (quantifiers[firstLow] || !capWord(ws[0].core()) || ws[0].possessive()) && !prepositions[firstLow] && !clauseWords[firstLow] && !skipBeforeVerb[firstLow] {
		headNoun := ws[len(ws)-1].core()
		for k := 1; k < len(ws); k++ {
			if prepositions[strings.ToLower(ws[k].core())] {
				headNoun = ws[k-1].core()
				break
			}
		}
		if inscriptions[strings.ToLower(headNoun)] {
			return ref{}, false
		}
		d := joinTokens(ws)
		for _, rel := range []string{" who ", " which ", " that "} {
			if i := strings.Index(d, rel); i > 0 {
				d = d[:i]
			}
		}
		return ref{name: strings.TrimRight(d, ",;: "), desc: true, at: ws[0].at}, true
	}
	return ref{}, false
}

func coresOf(ws []tok) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.core()
	}
	return out
}

func joinTokens(ws []tok) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = strings.TrimRight(w.s, ",;:")
	}
	return strings.Join(parts, " ")
}

// segment is a part of a clause between commas.
type segment struct {
	s  string
	at int
}

func segments(s string, at int) []segment {
	var out []segment
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			seg := s[start:i]
			lead := len(seg) - len(strings.TrimLeft(seg, " \t"))
			if t := strings.TrimSpace(seg); t != "" {
				out = append(out, segment{t, at + start + lead})
			}
			start = i + 1
		}
	}
	return out
}

// adverbial reports whether a segment is not a noun phrase: "in remarks to
// UOL", "responding to Pelosi", "also CIA", "24".
func adverbial(s string) bool {
	w := strings.Fields(s)
	if len(w) == 0 {
		return true
	}
	lw := strings.ToLower(w[0])
	if prepositions[lw] || skipBeforeVerb[lw] || strings.HasSuffix(lw, "ing") && !capWord(w[0]) || strings.HasSuffix(lw, "ly") && !capWord(w[0]) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(w[0])
	return unicode.IsDigit(r)
}

// pickSegment reads the speaker of a clause from its segments: the name among
// them, its apposition giving its role. apposed is true when the segments stand
// in apposition (the clause ended with a comma before the verb, or they follow
// a verb: "said his father, Abdullah Kurdi").
func (x *extractor) pickSegment(segs []segment) (ref, bool) {
	var firstDesc *ref
	var named []ref
	var segOf []int
	for si, sg := range segs {
		if adverbial(sg.s) {
			continue
		}
		r, ok := x.parseNP(sg.s, sg.at)
		if !ok {
			continue
		}
		if r.desc || r.pronoun != "" {
			if firstDesc == nil {
				rr := r
				firstDesc = &rr
			}
			continue
		}
		named = append(named, r)
		segOf = append(segOf, si)
	}
	if len(named) > 0 {
		r := named[0]
		for _, n := range named {
			if !n.org {
				r = n
				break
			}
		}
		for i, n := range named {
			if !n.org && n.role == "" && segs[segOf[i]].s == n.name {
				r = n // "…, Rachel Giese," is the name itself
				break
			}
		}
		if r.role == "" && firstDesc != nil && firstDesc.pronoun == "" {
			r.role = firstDesc.name
		}
		return r, true
	}
	if firstDesc != nil {
		return *firstDesc, true
	}
	return ref{}, false
}

// subjectOf finds who the speech verb at verbAt in s (the clause before a
// quotation, offsets from base) is attributed to.
func (x *extractor) subjectOf(s string, verbAt, verbEnd int) (ref, string) {
	ws := tokens(s[:verbAt], 0)
	verb := s[verbAt:verbEnd]
	// Skip the words between the subject and the verb: auxiliaries, adverbs,
	// days ("Trump also said", "Schwartz went on to say", "Durbin both yesterday questioned").
	k := len(ws)
	passive := false
	for k > 0 {
		c := ws[k-1].core()
		lc := strings.ToLower(c)
		if ws[k-1].endsClause() {
			break
		}
		if skipBeforeVerb[lc] || weekdayNames[c] {
			if lc == "was" || lc == "were" || lc == "is" || lc == "are" || lc == "been" || lc == "being" {
				passive = true
			}
			k--
			continue
		}
		break
	}
	if passive && !participle(verb) {
		// "was told by X of “…”", "was described as “…” by the police".
		if r, ok := x.byAgent(s[verbEnd:], verbEnd); ok {
			return r, ""
		}
		if r, ok := x.byAgent(x.after, 0); ok && strings.HasPrefix(strings.TrimSpace(x.after), "by ") {
			r.at = -1 - len(s) // not in the words before
			return r, ""
		}
		return ref{}, "the words are reported in the passive, with no one named as saying them"
	}
	if k == 0 {
		return ref{}, "no speaker found before “" + verb + "”"
	}
	// The words before: back to the clause's start.
	prev := strings.ToLower(ws[k-1].core())
	if prev == "and" || prev == "but" {
		// "X cited Article 5 and said": the subject is the clause's first.
		return x.clauseSubject(s[:ws[k-1].at])
	}
	if prev == "who" || prev == "which" || prev == "that" {
		// "Toronto Police, which indicated …": the phrase before the relative.
		head := strings.TrimRight(s[:ws[k-1].at], " ,")
		segs := segments(head, 0)
		for i := len(segs) - 1; i >= 0; i-- {
			if adverbial(segs[i].s) {
				continue
			}
			// The phrase the relative follows: "drafted by Alex Greenwich who said";
			// a statement's words are its author's ("X released a statement which read").
			if np, npAt := npTail(segs[i].s, segs[i].at, true); np != "" {
				if f := strings.Fields(strings.ToLower(np)); documents[strings.Trim(f[len(f)-1], ",")] {
					return x.clauseSubject(head[:npAt])
				}
				if r, ok := x.parseNP(np, npAt); ok {
					return r, ""
				}
			}
			if r, ok := x.parseNP(lastClause(segs[i].s, segs[i].at)); ok {
				return r, ""
			}
			break
		}
		return ref{}, "no speaker found before “" + verb + "”"
	}
	if participle(verb) && inscriptions[strings.ToLower(ws[k-1].core())] {
		return ref{}, "words on a banner or a sign, not words anyone is said to have spoken"
	}
	if participle(verb) && !(k >= 2 && strings.ToLower(ws[k-2].core()) == "with" && capWord(ws[k-1].core())) && !pronouns[strings.ToLower(ws[k-1].core())] {
		// "He underlined the call by saying": the participle's subject is the clause's.
		return x.clauseSubject(s[:verbAt])
	}
	end := ws[k-1].at + len(ws[k-1].s)
	start := 0
	commaBefore := strings.HasSuffix(ws[k-1].s, ",")
	for i := k - 1; i >= 0; i-- {
		c := strings.ToLower(ws[i].core())
		if clauseWords[c] && c != "and" && i < k-1 && !commaBefore {
			start = ws[i].at + len(ws[i].s)
			break
		}
		if strings.HasSuffix(ws[i].s, ";") || strings.HasSuffix(ws[i].s, ":") {
			start = ws[i].at + len(ws[i].s)
			break
		}
	}
	span := s[start:end]
	apposed := strings.HasSuffix(strings.TrimSpace(span), ",")
	segs := segments(span, start)
	if apposed {
		// "The Vice President, Mike Pence, said": the last two phrases, one the
		// name, the other its role.
		var np []segment
		for i := len(segs) - 1; i >= 0 && len(np) < 2; i-- {
			if adverbial(segs[i].s) {
				continue // "Anderson Cooper, of CNN, one of her sons, stated"
			}
			np = append([]segment{segs[i]}, np...)
		}
		if r, ok := x.pickSegment(np); ok {
			return r, ""
		}
		return ref{}, "no speaker found before “" + verb + "”"
	}
	if len(segs) == 0 {
		return ref{}, "no speaker found before “" + verb + "”"
	}
	last := segs[len(segs)-1]
	if rest, ok := strings.CutPrefix(last.s, "with "); ok && participle(verb) {
		last = segment{rest, last.at + 5} // "with Zinichev describing"
	}
	np, npAt := npTail(last.s, last.at, false)
	if np == "" {
		if f := strings.Fields(last.s); len(f) > 0 && quantifiers[strings.ToLower(f[0])] {
			np, npAt = last.s, last.at // "Some of the protesters Wikinews interviewed"
		} else {
			return ref{}, "no speaker found before “" + verb + "”"
		}
	}
	if ns := segs[:len(segs)-1]; len(ns) > 0 {
		// "Colin Sutherland, Lord Carloway, the Lord President of the court decided":
		// the name before the descriptions set off by commas.
		if r, ok := x.parseNP(np, npAt); ok && r.desc && np == last.s {
			for _, sg := range ns {
				if adverbial(sg.s) {
					continue
				}
				if r2, ok := x.parseNP(sg.s, sg.at); ok && !r2.desc && !r2.org && r2.pronoun == "" && r2.name == sg.s {
					return r2, ""
				}
				break
			}
		}
	}
	if r, ok := x.parseNP(np, npAt); ok {
		return r, ""
	}
	return ref{}, "no speaker found before “" + verb + "”"
}

// lastClause is the end of s after its last clause word.
func lastClause(s string, at int) (string, int) {
	ws := tokens(s, 0)
	for i := len(ws) - 1; i > 0; i-- {
		if clauseWords[strings.ToLower(ws[i].core())] {
			cut := ws[i].at + len(ws[i].s)
			return strings.TrimSpace(s[cut:]), at + cut + len(s[cut:]) - len(strings.TrimLeft(s[cut:], " "))
		}
	}
	return s, at
}

// clauseSubject reads the subject at the start of a clause (after any phrase set
// off by a comma in front of it: "In a statement, the SDF …").
func (x *extractor) clauseSubject(s string) (ref, string) {
	segs := segments(s, 0)
	for si, sg := range segs {
		if adverbial(sg.s) {
			continue
		}
		ws := tokens(sg.s, sg.at)
		// The subject ends where its verb starts: the first lower-case word that
		// is not part of a noun phrase.
		n := 0
		for n < len(ws) {
			c := ws[n].core()
			lc := strings.ToLower(c)
			if n > 0 && !capWord(c) && !quantifiers[lc] && !particles[lc] && !isRole(c) && (verbLike(lc) || isSpeechVerb(lc)) {
				break
			}
			n++
		}
		if n == 0 {
			break
		}
		np := sg.s[:ws[n-1].at-sg.at+len(ws[n-1].s)]
		if r, ok := x.parseNP(np, sg.at); ok {
			if r.desc && np == sg.s {
				// "One of these groups, the Syrian Democratic Forces (SDF), opposed …".
				if si+1 < len(segs) {
					next := segs[si+1]
					if r2, ok := x.parseNP(next.s, next.at); ok && !r2.desc && r2.pronoun == "" {
						return r2, ""
					}
				}
			}
			return r, ""
		}
		break
	}
	return ref{}, "no speaker found at the start of the sentence"
}

// byAgent reads "by X" at the start of s (the passive's agent).
func (x *extractor) byAgent(s string, at int) (ref, bool) {
	t := strings.TrimLeft(s, " ")
	at += len(s) - len(t)
	rest, ok := strings.CutPrefix(t, "by ")
	if !ok {
		if i := strings.Index(t, " by "); i >= 0 && i < 40 && !strings.ContainsAny(t[:i], "\"“”") {
			rest, at = t[i+4:], at+i+4
		} else {
			return ref{}, false
		}
	} else {
		at += 3
	}
	// The agent ends at a comma, a preposition or the quotation.
	ws := tokens(rest, at)
	n := 0
	for n < len(ws) {
		c := ws[n].core()
		if n > 0 && (prepositions[strings.ToLower(c)] || strings.ContainsAny(ws[n].s, `"“”`)) {
			break
		}
		n++
		if ws[n-1].endsClause() {
			break
		}
	}
	if n == 0 {
		return ref{}, false
	}
	np := rest[:ws[n-1].at-at+len(ws[n-1].s)]
	return x.parseNP(strings.TrimRight(np, ",;:"), at)
}

// prevQuote is what the extractor remembers of the quotation it read last.
type prevQuote struct {
	ok        bool
	q         quoteSpan
	sentStart int
	att       attribution
}

// titleLike reports whether quoted words are a name or a title ("Operation
// Peace Spring", "Learning Together"): a few words, each significant one
// capitalised, not a sentence.
func titleLike(quote string) bool {
	q := strings.TrimRight(quote, ",")
	if strings.ContainsAny(q[len(q)-1:], ".!?") {
		return false
	}
	w := strings.Fields(q)
	if len(w) == 0 || len(w) > 10 {
		return false
	}
	caps := 0
	for _, x := range w {
		lx := strings.ToLower(x)
		if capWord(x) {
			caps++
			continue
		}
		if lx == "of" || lx == "the" || lx == "and" || lx == "for" || lx == "a" || lx == "in" || lx == "on" || lx == "after" || lx == "to" || lx == "vs." || lx == "v." {
			continue
		}
		r, _ := utf8.DecodeRuneInString(x)
		if unicode.IsDigit(r) {
			continue
		}
		return false
	}
	return caps > 0 && capWord(w[0]) && !(len(w) == 1 && !isAcronym(w[0]) && len(w[0]) > 0 && false)
}

// attributeQuote reads who quotation q is attributed to: before is its
// sentence up to the opening mark (starting at byte sStart of the text), after
// the rest from the closing mark.
func (x *extractor) attributeQuote(q quoteSpan, sStart int, before, after string) attribution {
	quote := strings.TrimSpace(x.text[q.start:q.end])
	prev := x.prev
	x.after = after
	// A split quote: “A,” she said, “B.” — B is A's speaker's.
	if prev.ok && prev.q.line == q.line && prev.q.close <= q.open && prev.q.close >= sStart {
		between := x.text[prev.q.close:q.open]
		if len(strings.Fields(between)) <= 14 && !strings.ContainsAny(between, ".!?;") && !mentionsInscription(between) &&
			len(verbLocs(between)) > 0 && (prev.att.speaker() != "" || prev.att.form != "") {
			a := prev.att
			a.inBefore = false
			a.form = "“…,” X said, “…” (a split quote)"
			return a
		}
	}
	if titleLike(quote) {
		return attribution{reason: "no speaker: a name or a title in quotation marks, not words anyone said"}
	}
	// The clause before: from its last semicolon, with asides blanked.
	clause, clauseAt := before, 0
	if i := strings.LastIndex(before, ";"); i >= 0 && strings.IndexFunc(before[i+1:], unicode.IsLetter) >= 0 {
		clause, clauseAt = before[i+1:], i+1
	}
	clause = x.blankAsides(clause, clauseAt)
	x.beforeClause = clause
	a, found := x.fromBefore(clause, clauseAt)
	if !found {
		a, found = x.fromAfter(after, quote)
	}
	if !found && strings.HasSuffix(strings.TrimSpace(before), ":") {
		// “X took a parting shot on Twitter: “…”: the sentence's subject.
		if r, reason := x.clauseSubject(clause); reason == "" {
			a, found = attribution{ref: r, inBefore: true, form: "X …: “…”"}, true
			a.ref.at += clauseAt
		}
	}
	standalone := strings.IndexFunc(before, unicode.IsLetter) < 0 && strings.IndexFunc(after, unicode.IsLetter) < 0
	if !found && standalone && prev.ok && prev.att.speaker() != "" && prev.q.line == q.line && !x.othersBetween(prev.q.close, q.open, prev.att.speaker()) {
		// A follow-on quotation: the last speaker's, when no one else is named since.
		a = prev.att
		a.inBefore = false
		a.form = "“…,” X said. “…” (a follow-on quote)"
		return a
	}
	if !found {
		if strings.TrimSpace(before) == "" && strings.TrimSpace(after) == "" {
			return attribution{reason: "the quotation stands alone: the text does not say who said it"}
		}
		if a.reason == "" {
			a.reason = "no speaker is attributed in the sentence (a title, a term or scare quotes?)"
		}
		return a
	}
	return x.resolveRef(a, q, sStart, before)
}

// blankAsides replaces the asides of a clause (", who …,", " — … — ", "(…)")
// with spaces, keeping every offset.
func (x *extractor) blankAsides(clause string, at int) string {
	aside := x.findIn(attributionRE().aside, x.win.before+at, clause)
	if len(aside) == 0 {
		return clause
	}
	b := []byte(clause)
	for _, a := range aside {
		for i := a[0]; i < a[1]; i++ {
			if b[i] != ',' {
				b[i] = ' '
			}
		}
		// Keep the comma that ends ", who …," as the end of the phrase before it.
		if a[0] < len(b) && b[a[0]] == ',' {
			for i := a[0] + 1; i < a[1]; i++ {
				b[i] = ' '
			}
			b[a[1]-1] = ' '
		}
	}
	return string(b)
}

// fromBefore reads the attribution in the clause before a quotation: a speech
// verb and its subject, or "according to X".
func (x *extractor) fromBefore(clause string, clauseAt int) (attribution, bool) {
	if strings.TrimSpace(clause) == "" {
		return attribution{}, false
	}
	// X was quoted … as saying: “…”
	if t := strings.TrimRight(clause, " \t:,"); strings.HasSuffix(t, " saying") {
		for _, pv := range []string{" was quoted", " were quoted", " has been quoted", " had been quoted"} {
			if i := strings.Index(clause, pv); i > 0 {
				if r, reason := x.subjectOf(clause[:i]+" said", i+1, i+5); reason == "" {
					r.at += clauseAt
					return attribution{ref: r, inBefore: true, form: "X was quoted … as saying: “…”"}, true
				}
			}
		}
	}
	locs := verbLocs(clause)
	locs = slices.DeleteFunc(slices.Clone(locs), func(v []int) bool {
		if x.inQuotation(x.win.before + clauseAt + v[0]) {
			return true
		}
		if clause[v[0]] == ' ' {
			return true // in an aside
		}
		ws := strings.Fields(clause[:v[0]])
		if len(ws) > 0 && ws[len(ws)-1] == "to" && strings.HasSuffix(clause[v[0]:v[1]], "ed") {
			return true
		}
		return len(ws) > 0 && determinerLike[strings.ToLower(ws[len(ws)-1])]
	})
	// A participle that opens the sentence ("Saying …, X elaborated") has its
	// subject later.
	for len(locs) > 0 && participle(clause[locs[0][0]:locs[0][1]]) && strings.TrimSpace(clause[:locs[0][0]]) == "" {
		locs = locs[1:]
	}
	// A verb whose complement the quotation is not ("…, beyond the withdrawal from
	// the “…”") does not attribute it.
	for len(locs) > 0 {
		last := locs[len(locs)-1]
		tail := clause[last[1]:]
		cut := false
		if i := strings.LastIndex(tail, ", "); i >= 0 {
			rest := strings.Fields(tail[i+2:])
			if len(rest) > 2 && prepositions[strings.ToLower(rest[0])] && rest[0] != "to" {
				cut = true
			}
		}
		if !cut {
			break
		}
		locs = locs[:len(locs)-1]
	}
	if len(locs) > 0 {
		v := locs[0]
		verb := clause[v[0]:v[1]]
		if verb == "read" || verb == "reads" {
			// "a statement which read": only after a statement or a decree.
			if lc := strings.ToLower(clause[:v[0]]); !strings.Contains(lc, "statement") && !strings.Contains(lc, "decree") &&
				!strings.Contains(lc, "description") && !strings.Contains(lc, "letter") && !strings.Contains(lc, "message") {
				return attribution{}, false
			}
		}
		r, reason := x.subjectOf(clause, v[0], v[1])
		form := "X " + verb + " … “…”"
		if reason != "" {
			if a, ok := x.according(clause, clauseAt); ok {
				return a, true
			}
			return attribution{form: form, reason: reason}, false
		}
		// A second speaker in the same clause: whose words these are is not clear.
		for _, w := range locs[1:] {
			if participle(clause[w[0]:w[1]]) {
				continue
			}
			r2, reason2 := x.subjectOf(clause, w[0], w[1])
			if reason2 == "" && r2.name != "" && r2.pronoun == "" && !sameRef(r, r2) {
				return attribution{form: form, reason: "the sentence reports two speakers (" + refText(r) + ", " + refText(r2) + "): check whose words these are"}, true
			}
		}
		r.at += clauseAt
		return attribution{ref: r, inBefore: true, form: form}, true
	}
	return x.according(clause, clauseAt)
}

// according reads "according to X," in the clause before a quotation.
func (x *extractor) according(clause string, clauseAt int) (attribution, bool) {
	if ms := x.findIn(attributionRE().according, x.win.before+clauseAt, clause); len(ms) > 0 {
		m := ms[0]
		phrase := clause[m[2]:m[3]]
		if r, ok := x.parseNP(phrase, m[2]); ok {
			r.at += clauseAt
			return attribution{ref: r, inBefore: true, form: "according to X"}, true
		}
	}
	return attribution{}, false
}

// fromAfter reads the attribution after a quotation: “…,” X said; “…,” said X;
// “…,” according to X.
func (x *extractor) fromAfter(after, quote string) (attribution, bool) {
	if m := attributionRE().according.FindStringSubmatchIndex(after); m != nil && strings.TrimLeft(after[:m[0]], " ,") == "" {
		phrase := after[m[2]:m[3]]
		phrase = strings.TrimRight(phrase, ".")
		if r, ok := x.parseNP(phrase, 0); ok {
			return attribution{ref: r, form: "“…,” according to X"}, true
		}
	}
	if strings.Contains(after, " read") {
		if v := verbLocs(after); len(v) > 0 && after[v[0][0]:v[0][1]] == "read" {
			return attribution{}, false
		}
	}
	if m := afterVerb(after); m != nil {
		phrase := after[m[2]:m[3]]
		if r, ok := x.pickSegment(segments(phrase, m[2])); ok {
			return attribution{ref: r, form: "“…,” said X"}, true
		}
	}
	if m := afterSubjectVerb(after); m != nil {
		phrase := strings.TrimSpace(after[m[2]:m[3]])
		first := strings.ToLower(strings.Fields(phrase)[0])
		if prepositions[first] {
			if i := strings.LastIndex(phrase, ", "); i > 0 {
				first = strings.ToLower(strings.Fields(phrase[i+2:])[0])
			}
		}
		if first == "and" && len(strings.Fields(phrase)) == 1 && x.beforeClause != "" {
			// "The State Department gave its “…” and said": the sentence's subject.
			if r, reason := x.clauseSubject(x.beforeClause); reason == "" && r.pronoun == "" {
				r.at = -1
				return attribution{ref: r, form: "X … “…” and said"}, true
			}
		}
		if clauseWords[first] || prepositions[first] && first != "by" {
			return attribution{}, false
		}
		segs := segments(phrase, m[2])
		if len(segs) > 1 && adverbial(segs[0].s) {
			// "… between Greece and Turkey, he added": the phrase after the comma.
			segs = segs[len(segs)-1:]
		}
		if len(segs) == 1 && strings.Contains(segs[0].s, " and ") {
			return attribution{form: "“…,” X said", reason: "attributed to more than one speaker (" + segs[0].s + ")"}, false
		}
		if r, ok := x.pickSegment(segs); ok {
			return attribution{ref: r, form: "“…,” X said"}, true
		}
	}
	return attribution{}, false
}

func refText(r ref) string {
	if r.pronoun != "" {
		return r.pronoun
	}
	if r.role != "" && !r.desc {
		return r.role + " " + r.name
	}
	return r.name
}

func sameRef(a, b ref) bool {
	fa, fb := strings.Fields(a.name), strings.Fields(b.name)
	return len(fa) > 0 && len(fb) > 0 && foldKey(fa[len(fa)-1]) == foldKey(fb[len(fb)-1])
}

// othersBetween reports whether the text between two offsets of one line, outside
// quotations, names a person other than speaker.
func (x *extractor) othersBetween(from, to int, speaker string) bool {
	for _, p := range x.personsIn(from, to) {
		if p != speaker {
			return true
		}
	}
	return false
}

// personsIn returns the persons named as possible subjects in text[from:to] of
// one line, outside quotations: not after a preposition, not possessive.
func (x *extractor) personsIn(from, to int) []string {
	if to <= from {
		return nil
	}
	s := x.text[from:to]
	b := []byte(s)
	// Blank the quotations.
	qi, _ := slices.BinarySearchFunc(x.quotes, from, func(q quoteSpan, off int) int { return q.close - off })
	for ; qi < len(x.quotes) && x.quotes[qi].open < to; qi++ {
		for i := max(x.quotes[qi].open, from); i < min(x.quotes[qi].close, to); i++ {
			b[i-from] = ' '
		}
	}
	ws := tokens(string(b), from)
	var out []string
	for _, r := range capRuns(ws) {
		if ws[r.j-1].possessive() {
			continue
		}
		skip := false
		for k := r.i - 1; k >= 0 && k >= r.i-2 && !roleBefore(ws, r); k-- {
			c := strings.ToLower(ws[k].core())
			if c == "to" && k > 0 && strings.EqualFold(ws[k-1].core(), "according") {
				break // "According to Muyembe, …": the one whose words follow
			}
			if prepositions[c] {
				skip = true
				break
			}
			if capWord(ws[k].core()) || ws[k].endsClause() {
				break
			}
		}
		if skip {
			continue
		}
		p, ok := splitRun(ws, r)
		if !ok || p.org {
			continue
		}
		full, forms := x.ix.resolve(p.name)
		titled := p.role != "" || r.i > 0 && isRole(ws[r.i-1].core())
		if len(forms) > 0 || len(strings.Fields(full)) < 2 && !titled {
			continue
		}
		if !slices.Contains(out, full) {
			out = append(out, full)
		}
	}
	return out
}

// resolveRef turns the speaker a sentence gives into the name the curator sees:
// a pronoun into the person it stands for, a surname into the full name, "the
// president" into the one president the text names.
func (x *extractor) resolveRef(a attribution, q quoteSpan, sStart int, before string) attribution {
	r := a.ref
	if r.pronoun != "" {
		lp := strings.ToLower(r.pronoun)
		if lp == "they" || lp == "it" {
			if body := x.bodyBefore(q, sStart); body != "" {
				a.ref = ref{name: body, org: true, at: -1}
				a.mention = r.pronoun
				a.inBefore = false
				a.form += " (“" + r.pronoun + "” is " + body + ")"
				return a
			}
		}
		if lp != "he" && lp != "she" {
			return attribution{form: a.form, reason: "attributed to a pronoun (“" + r.pronoun + "”): extract does not guess whom it stands for"}
		}
		name, why := x.pronounRef(q, sStart, r)
		if name == "" {
			return attribution{form: a.form, reason: "attributed to a pronoun (“" + r.pronoun + "”)" + why}
		}
		a.ref = ref{name: name, at: -1}
		a.mention = r.pronoun
		a.inBefore = false
		a.form += " (“" + r.pronoun + "” is " + name + ")"
		return a
	}
	if strings.Contains(r.name, " and ") && !r.desc {
		return attribution{form: a.form, reason: "attributed to more than one speaker (" + r.name + ")"}
	}
	if r.desc {
		// "The family's statement read", "Their statement read": the author's words.
		w := strings.Fields(r.name)
		for k, ww := range w {
			if k > 0 && prepositions[strings.ToLower(ww)] {
				w = w[:k] // "The family's statement on the death": its head
				break
			}
		}
		if len(w) > 0 && documents[strings.ToLower(strings.Trim(w[len(w)-1], ",.;:"))] {
			first := strings.ToLower(w[0])
			switch {
			case len(w) >= 2 && (strings.HasSuffix(w[len(w)-2], "'s") || strings.HasSuffix(w[len(w)-2], "’s")):
				owner := strings.Join(w[:len(w)-1], " ")
				owner = strings.TrimSuffix(strings.TrimSuffix(owner, "'s"), "’s")
				a.ref = ref{name: owner, desc: !capWord(strings.Fields(owner)[len(strings.Fields(owner))-1]), at: r.at}
				return x.resolveRef(a, q, sStart, before)
			case first == "their" || first == "its":
				if body := x.bodyBefore(q, sStart); body != "" {
					a.ref = ref{name: body, org: true, at: -1}
					a.mention = r.name
					a.inBefore = false
					return a
				}
			}
			return attribution{form: a.form, reason: "the words of " + r.name + ", whose author the sentence does not name"}
		}
		// "the president": the one the text names with that title.
		w = strings.Fields(strings.ToLower(r.name))
		if len(w) >= 2 && len(w) <= 3 && w[0] == "the" && isRole(w[len(w)-1]) {
			names := x.ix.roles[w[len(w)-1]]
			if len(names) == 1 {
				a.mention = r.name
				a.ref = ref{name: names[0], at: r.at}
				return a
			}
			return attribution{form: a.form, reason: "the text calls the speaker “" + r.name + "” and does not say which person that is"}
		}
		return a
	}
	full, forms := x.ix.resolve(r.name)
	if len(forms) > 0 {
		return attribution{form: a.form, reason: "the text names " + r.name + " in several forms (" + strings.Join(forms, "; ") + "): check which the source means"}
	}
	if full != r.name {
		a.mention = r.name
		a.ref.name = full
	}
	return a
}

// pronounRef finds the person a pronoun stands for: the one person named as a
// subject earlier in its sentence, else in the sentence before it in the same
// paragraph, else the last speaker when the paragraph or the one before it
// quoted them. why says why not, when it cannot tell.
func (x *extractor) pronounRef(q quoteSpan, sStart int, r ref) (string, string) {
	at := sStart + max(r.at, 0)
	if r.at < 0 || at > q.open {
		at = q.open
	}
	if ps := x.personsIn(sStart, min(at, q.open)); len(ps) == 1 {
		return ps[0], ""
	} else if len(ps) > 1 {
		return "", ": the sentence names " + strings.Join(ps, " and ")
	}
	// The sentence before, in the same paragraph.
	i, found := slices.BinarySearch(x.bounds, sStart)
	if x.boundsLine == q.line && found {
		from := x.lines[q.line].start
		if i > 0 {
			from = x.bounds[i-1]
		}
		from = max(from, x.windowStart(sStart))
		ps := x.personsIn(from, sStart)
		if len(ps) == 1 {
			return ps[0], ""
		}
		if len(ps) > 1 {
			return "", ": the sentence before names " + strings.Join(ps, " and ")
		}
	}
	if x.last.name != "" && !x.last.desc && !x.last.org && (x.last.line == q.line || x.last.line == q.line-1) && !x.othersBetween(x.last.close, sStart, x.last.name) {
		return x.last.name, ""
	}
	return "", ": no one named before it"
}

// lastSpeaker is the speaker of the last quotation attributed.
type lastSpeaker struct {
	name  string
	desc  bool
	org   bool
	line  int
	close int // where its quotation ends
}

var pronouns = map[string]bool{"he": true, "she": true, "they": true, "it": true, "we": true, "i": true, "you": true, "his": true, "her": true}

// npTail is the noun phrase that ends s: back from its end over names, titles,
// nouns and determiners, to the first word that is a verb or starts a clause
// ("Znak.com reported its source" → "its source").
func npTail(s string, at int, object bool) (string, int) {
	ws := tokens(s, 0)
	if n := len(ws); n > 0 && pronouns[strings.ToLower(ws[n-1].core())] {
		return s[ws[n-1].at:], at + ws[n-1].at
	}
	i := len(ws)
	for i > 0 {
		c := ws[i-1].core()
		lc := strings.ToLower(c)
		if capWord(c) || isRole(c) || quantifiers[lc] || particles[lc] || ws[i-1].possessive() {
			i--
			continue
		}
		if lc == "and" && i < len(ws) && !quantifiers[strings.ToLower(ws[i].core())] {
			i-- // "Jennifer Daskal of American University and contributor to Slate"
			continue
		}
		nextOK := i < len(ws) && (capWord(ws[i].core()) || quantifiers[strings.ToLower(ws[i].core())] || unicode.IsDigit([]rune(ws[i].core() + "x")[0]))
		if ws[i-1].endsClause() || clauseWords[lc] || prepositions[lc] && lc != "of" && lc != "for" && lc != "from" && !nextOK || skipBeforeVerb[lc] && !prepositions[lc] ||
			strings.HasSuffix(lc, "ed") || strings.HasSuffix(lc, "ing") || isSpeechVerb(lc) ||
			lc == "is" || lc == "are" || lc == "be" {
			break
		}
		i--
	}
	// Not from inside a prepositional phrase: "of"/"for"/"from" needs a head before
	// it. A phrase after a preposition is its object, not a subject.
	for i < len(ws) && (prepositions[strings.ToLower(ws[i].core())]) {
		if !object {
			return "", at
		}
		i++
	}
	if i >= len(ws) {
		return "", at
	}
	return s[ws[i].at:], at + ws[i].at
}

// inQuotation reports whether byte offset off lies inside a quotation's words.
func (x *extractor) inQuotation(off int) bool {
	i, _ := slices.BinarySearchFunc(x.quotes, off, func(q quoteSpan, off int) int { return q.end - off })
	for ; i < len(x.quotes) && x.quotes[i].start <= off; i++ {
		if off >= x.quotes[i].start && off < x.quotes[i].end {
			return true
		}
	}
	return false
}

// verbLike reports whether a lower-case word is likely a verb that ends a
// subject: "gave", "opposed", "quickly took".
func verbLike(lc string) bool {
	switch lc {
	case "is", "was", "are", "were", "has", "have", "had", "will", "would", "can", "could", "may", "might",
		"should", "does", "did", "gave", "took", "made", "put", "set", "got", "went", "came", "spoke", "met",
		"told", "found", "gives", "takes", "makes", "sent", "held", "led", "left", "won", "lost", "began", "saw":
		return true
	}
	return strings.HasSuffix(lc, "ed") || strings.HasSuffix(lc, "ly")
}

// runHasTitledName reports whether a run holds a title and a name after it
// ("Commons Speaker John Bercow"): a person, though the run follows "of".
func runHasTitledName(ws []tok, r run) bool {
	for k := r.i; k < r.j-1; k++ {
		if isRole(ws[k].core()) {
			return true
		}
	}
	return false
}

// speechVerbSet holds the speech verbs, for looking words up: a pattern of some
// two hundred alternatives costs far more per character than a map per word.
var speechVerbSet = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool)
	for _, v := range strings.Split(speechVerbs, "|") {
		m[v] = true
	}
	return m
})

func isSpeechVerb(w string) bool { return speechVerbSet()[w] }

// verbLocs returns where each speech verb of s lies, [start, end) in bytes.
func verbLocs(s string) [][]int {
	var out [][]int
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if isSpeechVerb(s[start:i]) && r != '-' && r != '\'' && r != '’' {
				out = append(out, []int{start, i})
			}
			start = -1
		}
	}
	if start >= 0 && isSpeechVerb(s[start:]) {
		out = append(out, []int{start, len(s)})
	}
	return out
}

// afterVerb reads “…,” said X: a speech verb first after the quotation, and the
// words after it to the sentence's end. It returns, as a regexp submatch index
// would, the whole and the phrase.
func afterVerb(after string) []int {
	t := strings.TrimLeft(after, " \t,")
	at := len(after) - len(t)
	w := t
	if i := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		w = t[:i]
	}
	if w == "" || !isSpeechVerb(w) || len(w) == len(t) || !unicode.IsSpace(rune(t[len(w)])) {
		return nil
	}
	rest := strings.TrimLeft(t[len(w):], " \t")
	from := at + len(t) - len(rest)
	end := strings.IndexAny(rest, ".;:\"“”‘(")
	if end < 0 {
		end = len(rest)
	}
	if end == 0 {
		return nil
	}
	return []int{at, from + end, from, from + end}
}

var afterAux = map[string]bool{"has": true, "had": true, "also": true, "later": true, "then": true, "further": true, "again": true, "quickly": true}

// afterSubjectVerb reads “…,” X said: up to ten words, then a speech verb
// (past "has", "also" and the like). It returns, as a regexp submatch index
// would, the whole, the subject and the verb.
func afterSubjectVerb(after string) []int {
	t := strings.TrimLeft(after, " \t,")
	at := len(after) - len(t)
	ws := tokens(t, at)
	nameChar := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".’'@-", r)
	}
	for k := 1; k < len(ws) && k <= 12; k++ {
		w := ws[k].s
		core := strings.TrimRight(w, ",.;:!?")
		if isSpeechVerb(core) && core == strings.TrimLeft(core, "\"“”") {
			// The words before, past the auxiliaries, are the subject.
			j := k
			for j > 1 && afterAux[ws[j-1].s] {
				j--
			}
			subj := ws[:j]
			if len(subj) > 10 || strings.HasSuffix(subj[len(subj)-1].s, ",") {
				return nil
			}
			for _, sw := range subj {
				if strings.IndexFunc(strings.TrimSuffix(sw.s, ","), func(r rune) bool { return !nameChar(r) }) >= 0 {
					return nil
				}
			}
			end := subj[len(subj)-1].at + len(subj[len(subj)-1].s)
			return []int{at, ws[k].at + len(core), subj[0].at, end, ws[k].at, ws[k].at + len(core)}
		}
		if strings.IndexFunc(strings.TrimSuffix(w, ","), func(r rune) bool { return !nameChar(r) }) >= 0 {
			return nil
		}
	}
	return nil
}

// bodyBefore returns the body (an organisation) that the sentence before q's, in
// its paragraph, has as its subject, when no person is named there: "they" and
// "it" stand for it.
func (x *extractor) bodyBefore(q quoteSpan, sStart int) string {
	i, found := slices.BinarySearch(x.bounds, sStart)
	if x.boundsLine != q.line || !found {
		return ""
	}
	from := x.lines[q.line].start
	if i > 0 {
		from = x.bounds[i-1]
	}
	from = max(from, x.windowStart(sStart))
	if len(x.personsIn(from, sStart)) > 0 || len(x.personsIn(sStart, q.open)) > 0 {
		return ""
	}
	r, reason := x.clauseSubject(x.text[from:sStart])
	if reason != "" || !r.org {
		return ""
	}
	full, forms := x.ix.resolve(r.name)
	if len(forms) > 0 {
		return ""
	}
	return full
}

// placeWords start the names of places, not of people ("Northern Cyprus").
var placeWords = map[string]bool{"North": true, "South": true, "East": true, "West": true, "Northern": true,
	"Southern": true, "Eastern": true, "Western": true, "Central": true, "Upper": true, "Lower": true,
	"Greater": true, "New": true, "Saint": true, "St.": true, "San": true, "Santa": true, "Los": true, "Las": true,
	"Fort": true, "Port": true, "Mount": true, "Lake": true, "Cape": true, "Gulf": true, "Hong": true}

func lastOrgWord(words []string) int {
	last := -1
	for i, w := range words {
		if orgWords[strings.ToLower(w)] {
			last = i
		}
	}
	return last
}

// roleBefore reports whether a run follows a title and a preposition: "Secretary
// of State Mike Pompeo", "Senator from Vermont Bernie Sanders", "Representative
// for Iran Brian Hook", "Ambassador to the United Nations Nikki Haley".
func roleBefore(ws []tok, r run) bool {
	k := r.i - 1
	if k >= 0 && strings.ToLower(ws[k].core()) == "the" {
		k--
	}
	if k < 1 {
		return false
	}
	switch strings.ToLower(ws[k].core()) {
	case "of", "from", "for", "to":
		return isRole(ws[k-1].core())
	}
	return false
}

func mentionsInscription(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if inscriptions[strings.Trim(w, ",.;:")] {
			return true
		}
	}
	return false
}
