#!/usr/bin/env bash
# Prints the patch: each of this module's classes against the same file in Netty's sources of the release it was
# made from (netty.epoll.version in the root pom), as a unified diff. Needs Maven Central (or the local repository).
#
#   netty-epoll/diff.sh            the whole patch
#   netty-epoll/diff.sh --stat     lines changed per file
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<netty.epoll.version>\(.*\)</netty.epoll.version>.*:\1:p' pom.xml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for artifact in netty-transport-classes-epoll netty-transport-native-unix-common; do
  mvn -B -q dependency:copy -Dartifact="io.netty:$artifact:$version:jar:sources" -DoutputDirectory="$work" \
    > "$work/mvn.log" 2>&1 || { cat "$work/mvn.log" >&2; echo "cannot get $artifact $version's sources" >&2; exit 1; }
  (cd "$work" && unzip -q -o "$artifact-$version-sources.jar" 'io/netty/*')
done
for file in $(cd netty-epoll/src/main/java && find . -name '*.java' | sort); do
  if [ "${1:-}" = --stat ]; then
    printf '%-50s %s\n' "$file" "$(diff "$work/$file" "netty-epoll/src/main/java/$file" | grep -c '^[<>]' || true)"
  else
    diff -u --label "netty $version/${file#./}" --label "wsgate/${file#./}" "$work/$file" "netty-epoll/src/main/java/$file" \
      || true
  fi
done
