#!/bin/sh
# Front matter parsers on real posts (issue 12): yaml-cpp (feedd's parser before issue 12,
# bench/front_matter/yamlcpp_front_matter.cpp), libyaml's and libfyaml's bare event loops, and
# feedd's parse_yaml_front_matter from this tree. CPU time (CLOCK_PROCESS_CPUTIME_ID), ns per
# front matter, parsers alternating within each round, median and all rounds.
#   bench/front_matter.sh [ROUNDS] [PATH...]   default: 7 rounds over a 10,000-post gen_store
#                                               store (bench/work/yaml-store) and etc/posts
#   bench/front_matter.sh compare [PATH...]    yaml-cpp vs this tree's parser, field by field
#                                               (exit 1 on any difference)
# Compiled here with g++ -O2 (not by CMake): needs libyaml-cpp-dev, libyaml-dev, libfyaml-dev.
set -eu
cd "$(dirname "$0")/.."
# Installs what is missing (Debian 12; as root, like bench/run.sh's stages).
missing=""
for pkg in g++ pkg-config libyaml-cpp-dev libyaml-dev libfyaml-dev libtomlplusplus-dev python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "front_matter.sh: installing$missing" >&2
  apt-get update -q >/dev/null && apt-get install -y -q $missing >/dev/null
fi
work=bench/work
mkdir -p "$work"
bin="$work/front_matter_bench"
g++ -std=c++20 -O2 -DNDEBUG -I. -o "$bin" bench/front_matter/front_matter_bench.cpp \
  bench/front_matter/yamlcpp_front_matter.cpp storage/readers/front_matter.cpp \
  storage/readers/front_matter_bounds.cpp storage/readers/yaml_event_reader.cpp \
  $(pkg-config --cflags --libs yaml-0.1 libfyaml tomlplusplus) -lyaml-cpp
mode=bench
rounds=7
case "${1:-}" in
  compare) mode=compare; shift ;;
  [0-9]*) rounds=$1; shift ;;
esac
if [ $# -eq 0 ]; then
  [ -d "$work/yaml-store" ] || python3 bench/gen_store.py 10000 "$work/yaml-store" >/dev/null
  set -- "$work/yaml-store" etc/posts
fi
if [ "$mode" = compare ]; then
  exec "$bin" compare "$@"
fi
exec nice -n "${BENCH_NICE:-0}" "$bin" bench "$rounds" "$@"
