package release

// MessageFormats are the formats of what a run says in English: its steps' names and details (the
// manifest keeps them so), the lines it logs, a dry run's plan and its warnings, engine/job's
// recovery of an interrupted publishing included. A command shows them in the language of --lang
// by matching them against these formats (translations.FormatIn, jobs.<lang>.csv); a line
// "FILE: text" is matched after its file.
var MessageFormats = []string{
	// Steps.
	"recover the interrupted publishing of %s",
	"copy %s to %s",
	"build the default database",
	"compute aggregates, gaps and progress",
	"load %s",
	"table %s",
	"workbook tables.xlsx",
	"charts",
	"scorecard",
	"define indicators %s",
	// What they did.
	"removed the incomplete publishing journal %s",
	"the publishing of %s was interrupted after its database was published: removed the previous release",
	"the publishing of %s was interrupted before its database was published: removed the new release",
	"the job's database %s starts from %s, which stays as it is",
	"copied %s to %s, the job's database",
	"%s from the embedded data, %d files",
	"built %s from the embedded default data",
	"%d aggregates (%s group composition), %d gap figures, %d progress assessments from %d observations",
	"%d rows read, %d loaded, %d rejected, edition %s",
	"loaded before into edition %s: unchanged",
	"%s (sha256 %s): %d defined, %d unchanged",
	// A dry run's plan.
	"%s: the job is valid",
	"%s: the job is valid; its tables' SQL is checked once the database is built",
	"%s: the job is valid; its tables' SQL is checked when it runs, once the database's schema is upgraded",
	"would build %s from the embedded default data",
	"would first set right the publishing of %s, which a killed run left unfinished: its release is made to match the database",
	"would define the indicators of %s",
	"would load %s as edition %s",
	"would write table %s as %s",
	"would draw charts/%s",
	"would write %s",
	"into %s",
	// Warnings.
	"%d rows rejected for their %s (see the rejects view)",
	"%d rows rejected for their %s (indicators the catalogue lacks can be defined with the job key indicators: FILE) (see the rejects view)",
	"%d rows rejected whole (malformed records) (see the rejects view)",
	"the previous release could not be removed (the next run of %s removes it): %v",
}
