package progress

// The sentences the engine writes into Result.Note, as fmt formats whose every verb is %s (a
// number, a year or a list of years as the note writes it). A note is such sentences joined by
// spaces; a translation of a note translates each sentence by its format (indicators/compute's
// NoteIn).
const (
	noteUnknownComparator = "The comparator %s is unknown."
	noteShareRange        = "The valid range of a share must be a finite interval."
	noteLengths           = "The years and the values differ in length."
	noteYearsOrder        = "The years are not ascending and distinct."
	noteValueOutside      = "The value for %s is left out of the assessment: the measure is a positive quantity, assessed on a log scale on which a value must be above %s."
	noteValuesOutside     = "The values for %s are left out of the assessment: the measure is a positive quantity, assessed on a log scale on which a value must be above %s."
	noteNoValue           = "There is no value from the baseline year on."
	noteBaselineMoved     = "There is no value for %s, so the baseline is %s."
	noteTooFew            = "There are fewer than two observations from the baseline year on."
	noteZeroBaseline      = "The baseline of zero is replaced by 0.001 in the growth rates (Open SDG)."
	noteZeroTarget        = "The target of zero is replaced by 0.001 in the growth rates (Open SDG)."
	noteLogitClamp        = "The logit growth rates clamp values to 0.1%%–99.9%% of the valid range, which moves the baseline or the target."
	noteWithinTolerance   = "The latest value, %s, misses the level of %s by no more than the target's tolerance of %s (the precision the target is stated to), so the target counts as met."
	noteBaselineMet       = "The baseline met the target and the latest value does not."
	noteOppositeSign      = "The baseline and the latest value are of opposite sign."
	noteDeadline          = "The deadline is not after the baseline year."
	noteRequiredZero      = "The required growth is zero or undefined."
	noteRatioUndefined    = "The ratio of observed to required growth is undefined."
	noteNotByDeadline     = "The fitted trend does not meet the target at the deadline, nor in a later year up to %s."
	noteNeverMet          = "The fitted trend does not meet the target in any year from the latest to %s."
)

// NoteSentences are the formats of every sentence the engine writes into a note.
var NoteSentences = []string{noteUnknownComparator, noteShareRange, noteLengths, noteYearsOrder, noteValueOutside,
	noteValuesOutside, noteNoValue, noteBaselineMoved, noteTooFew, noteZeroBaseline, noteZeroTarget, noteLogitClamp,
	noteWithinTolerance, noteBaselineMet, noteOppositeSign, noteDeadline, noteRequiredZero, noteRatioUndefined,
	noteNotByDeadline, noteNeverMet}
