// Command goproxy lays Go modules out the way a module proxy serves them, in a directory the go
// command reads with GOPROXY=file:///DIR: MODULE/@v/list, VERSION.info, VERSION.mod and VERSION.zip.
// The zip is written by golang.org/x/mod/zip, which applies the same checks to a module's files as
// the go command and proxy.golang.org do (file names, sizes, a go.mod that matches the path), and
// module.Check verifies that the version fits the module path (a v2+ version needs a /vN suffix).
//
// Each argument is a directory of modules, read the way publib-golang (the release workflow's Go
// job) reads dist/go: every subdirectory with a go.mod is a module, its version is in its `version`
// file, and all of them must belong to one GitHub repository, because publib pushes them all to it.
//
//	go run . -out DIR MODULES_DIR...
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

type goModule struct {
	dir     string
	version module.Version
}

func main() {
	out := flag.String("out", "", "the proxy directory to write (created if missing)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: goproxy -out DIR MODULES_DIR...")
		os.Exit(2)
	}
	for _, dir := range flag.Args() {
		modules, err := modulesIn(dir)
		if err == nil {
			for _, m := range modules {
				if err = write(*out, m); err != nil {
					break
				}
				fmt.Printf("goproxy: %s@%s (from %s)\n", m.version.Path, m.version.Version, m.dir)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "goproxy:", err)
			os.Exit(1)
		}
	}
}

// modulesIn reads the modules in the subdirectories of dir, as publib-golang does.
func modulesIn(dir string) ([]goModule, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var modules []goModule
	repositories := map[string]bool{}
	for _, e := range entries {
		modDir := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(filepath.Join(modDir, "go.mod"))
		if !e.IsDir() || errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		path := modfile.ModulePath(data)
		if path == "" {
			return nil, fmt.Errorf("%s/go.mod has no module line", modDir)
		}
		raw, err := os.ReadFile(filepath.Join(modDir, "version"))
		if err != nil {
			return nil, fmt.Errorf("%s has no version file (publib-golang needs one): %w", modDir, err)
		}
		version := "v" + strings.TrimSpace(string(raw))
		if err := module.Check(path, version); err != nil {
			return nil, err
		}
		parts := strings.Split(path, "/")
		if parts[0] != "github.com" || len(parts) < 3 {
			return nil, fmt.Errorf("%s: publib-golang publishes only to github.com repositories", path)
		}
		repositories[strings.Join(parts[:3], "/")] = true
		modules = append(modules, goModule{modDir, module.Version{Path: path, Version: version}})
	}
	if len(modules) == 0 {
		return nil, fmt.Errorf("no module (a subdirectory with a go.mod) in %s", dir)
	}
	if len(repositories) > 1 {
		names := make([]string, 0, len(repositories))
		for r := range repositories {
			names = append(names, r)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("%s holds modules of %d repositories (%s): publib-golang pushes one repository and fails on this",
			dir, len(names), strings.Join(names, ", "))
	}
	return modules, nil
}

// write adds one module version to the proxy directory.
func write(out string, m goModule) error {
	escapedPath, err := module.EscapePath(m.version.Path)
	if err != nil {
		return err
	}
	escapedVersion, err := module.EscapeVersion(m.version.Version)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, filepath.FromSlash(escapedPath), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	zip, err := os.Create(filepath.Join(dir, escapedVersion+".zip"))
	if err != nil {
		return err
	}
	if err := modzip.CreateFromDir(zip, m.version, m.dir); err != nil {
		zip.Close()
		return fmt.Errorf("%s@%s: %w", m.version.Path, m.version.Version, err)
	}
	if err := zip.Close(); err != nil {
		return err
	}
	goMod, err := os.ReadFile(filepath.Join(m.dir, "go.mod"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, escapedVersion+".mod"), goMod, 0o644); err != nil {
		return err
	}
	info, _ := json.Marshal(map[string]string{"Version": m.version.Version, "Time": time.Now().UTC().Format(time.RFC3339)})
	if err := os.WriteFile(filepath.Join(dir, escapedVersion+".info"), info, 0o644); err != nil {
		return err
	}
	list := filepath.Join(dir, "list")
	existing, _ := os.ReadFile(list)
	for _, v := range strings.Fields(string(existing)) {
		if v == m.version.Version {
			return nil
		}
	}
	return os.WriteFile(list, append(existing, []byte(m.version.Version+"\n")...), 0o644)
}
