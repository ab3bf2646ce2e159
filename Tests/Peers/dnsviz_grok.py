"""Runs Debian's `dnsviz` (0.9.4) with its arguments, for `dnsviz grok -t`.

dnsviz checks for pygraphviz >= 1.3 by importing `pygraphviz.release`, which pygraphviz 1.7 (Debian 12)
no longer has, so `grok` with trusted keys refuses to run. The version is given under the old name.
"""
import runpy
import sys
import types

import pygraphviz

release = types.ModuleType("pygraphviz.release")
release.version = pygraphviz.__version__
sys.modules["pygraphviz.release"] = release
pygraphviz.release = release
sys.argv = ["dnsviz"] + sys.argv[1:]
runpy.run_path("/usr/bin/dnsviz", run_name="__main__")
