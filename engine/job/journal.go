package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// A run that publishes a database with its outputs does it in two steps: Swap puts the new
// release in place and keeps the previous one aside, then the database's working copy is
// renamed over the database file. A run killed between the two would leave a release that the
// database does not match. So before Swap the run writes a journal beside the output folder,
// .NAME.publishing, and removes it only once both steps are done (Commit) or undone (Discard);
// Recover reads a journal that a killed run left and finishes or undoes its publishing.
type journal struct {
	Output        string `json:"output"`          // the output folder's name, beside the journal
	Stage         string `json:"stage"`           // the staging folder's name; after Swap it holds the previous release, or Stage+".previous" does
	Previous      bool   `json:"previous"`        // whether there was a previous release
	Manifest      string `json:"manifest_sha256"` // the SHA-256 of the new release's manifest.json
	Database      string `json:"database"`        // the database file, absolute, symbolic links resolved
	WorkingCopy   string `json:"working_copy"`    // the copy renamed over Database to publish it, absolute
	WorkingCopyID string `json:"working_copy_id"` // the copy's device and inode, "" where the system does not say
}

// journalPath is the journal of the output folder final.
func journalPath(final string) string {
	return filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".publishing")
}

// Journal records, before Swap, that the run publishes the database file database after its
// outputs, by renaming workingCopy over it. Until Commit or Discard, the journal lets Recover
// set things right if the run is killed: it holds the release the database matches. The
// outputs must include manifest.json.
func (o *Outputs) Journal(database, workingCopy string) error {
	if o.swapped || o.done || o.journal != nil {
		return errors.New("the journal is written once, before the outputs are swapped in")
	}
	j := journal{Output: filepath.Base(o.final), Stage: filepath.Base(o.stage)}
	for _, f := range o.files {
		if f.Path == "manifest.json" {
			j.Manifest = f.SHA256
		}
	}
	if j.Manifest == "" {
		return errors.New("write manifest.json before the journal")
	}
	var err error
	if j.Database, err = filepath.EvalSymlinks(database); err == nil {
		j.Database, err = filepath.Abs(j.Database)
	}
	if err != nil {
		return err
	}
	if j.WorkingCopy, err = filepath.Abs(workingCopy); err != nil {
		return err
	}
	if j.WorkingCopyID = fileID(j.WorkingCopy); j.WorkingCopyID == "" && hasFileIDs {
		return fmt.Errorf("journal: no working copy %s", workingCopy)
	}
	_, err = os.Lstat(o.final)
	j.Previous = err == nil
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	path := journalPath(o.final)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write the publishing journal: %w", err)
	}
	tryLock(f)
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write the publishing journal: %w", err)
	}
	o.journal = f
	return nil
}

// removeJournal removes the run's journal, if it wrote one.
func (o *Outputs) removeJournal() error {
	if o.journal == nil {
		return nil
	}
	err := os.Remove(journalPath(o.final))
	o.journal.Close()
	o.journal = nil
	return err
}

// Pending reports whether a run of the output folder final left a publishing journal, which the
// next Recover (or Stage) of the folder acts on.
func Pending(final string) bool {
	_, err := os.Lstat(journalPath(filepath.Clean(final)))
	return err == nil
}

// Recover finishes what a run of the output folder final that was killed while publishing left,
// as its journal says. When the database was published (the working copy is gone and the
// database file is the working copy), the previous release is removed and the new one stays.
// Otherwise the previous release is put back in place of the new one, which is removed, or the
// new one is removed when there was no previous release. Then the journal is removed. Recover
// returns what it did, "" when there was no journal or a running run holds it. When the folders
// are not as the journal says they can be, it changes nothing and returns an error.
func Recover(final string) (string, error) {
	final = filepath.Clean(final)
	path := journalPath(final)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if !tryLock(f) {
		return "", nil // its run is publishing
	}
	if held, err := f.Stat(); err != nil {
		return "", err
	} else if now, err := os.Stat(path); err != nil || !os.SameFile(held, now) {
		return "", nil // its run removed it meanwhile
	}
	var j journal
	if err := json.NewDecoder(f).Decode(&j); err != nil {
		// The journal is complete before anything is swapped: its run was killed before.
		return "removed the incomplete publishing journal " + path, os.Remove(path)
	}
	if j.Output != filepath.Base(final) || !isStageName(j.Stage, final) {
		return "", fmt.Errorf("the publishing journal %s is not of %s: remove it", path, final)
	}
	dir := filepath.Dir(final)
	stage := filepath.Join(dir, j.Stage)
	aside, rejected := stage+".previous", stage+".rejected"
	published, err := j.published()
	if err != nil {
		return "", err
	}
	holdsNew := func(p string) bool { return manifestSHA256(p) == j.Manifest }
	var did string
	switch {
	case published:
		if !holdsNew(final) {
			return "", fmt.Errorf("the run that left %s published the database %s but %s does not hold its release; "+
				"put that release in place, or remove the journal", path, j.Database, final)
		}
		for _, p := range []string{stage, aside, rejected} {
			if err := os.RemoveAll(p); err != nil {
				return "", err
			}
		}
		did = fmt.Sprintf("the publishing of %s was interrupted after its database was published: removed the previous release", final)
	default:
		previous := ""
		for _, p := range []string{stage, aside} {
			if isDir(p) && !holdsNew(p) {
				previous = p
				break
			}
		}
		switch {
		case holdsNew(final) && previous != "":
			err = swapBack(previous, final, rejected)
		case holdsNew(final) && !j.Previous:
			err = os.RemoveAll(final)
		case holdsNew(final):
			err = fmt.Errorf("the previous release of %s is not in %s: %s holds the release of a run whose database was not published", final, stage, final)
		case !isDir(final) && previous != "":
			err = os.Rename(previous, final)
		case !isDir(final) && j.Previous:
			err = fmt.Errorf("the previous release of %s is not in %s", final, aside)
		}
		if err != nil {
			return "", fmt.Errorf("%w (journal %s)", err, path)
		}
		for _, p := range []string{stage, rejected} {
			if holdsNew(p) {
				if err := os.RemoveAll(p); err != nil {
					return "", err
				}
			}
		}
		did = fmt.Sprintf("the publishing of %s was interrupted before its database was published: removed the new release", final)
		if j.Previous {
			did += " and put the previous one back"
		}
	}
	return did, os.Remove(path)
}

// published reports whether the journal's database was published: the working copy is gone and
// the database file is the working copy, renamed.
func (j *journal) published() (bool, error) {
	_, err := os.Lstat(j.WorkingCopy)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	return j.WorkingCopyID == "" || fileID(j.Database) == j.WorkingCopyID, nil
}

// manifestSHA256 is the SHA-256 of the manifest.json in folder, "" when there is none.
func manifestSHA256(folder string) string {
	b, err := os.ReadFile(filepath.Join(folder, "manifest.json"))
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func isDir(p string) bool {
	info, err := os.Lstat(p)
	return err == nil && info.IsDir()
}

// syncDir makes the entries of the folder at path durable.
func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
