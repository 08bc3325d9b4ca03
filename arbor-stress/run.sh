#!/usr/bin/env bash
# Builds arbor-stress and runs its jcstress tests. Arguments go to jcstress, e.g.
#   arbor-stress/run.sh                      # every test, quick mode
#   arbor-stress/run.sh -m default           # longer
#   arbor-stress/run.sh -t AddVsStop -m quick
# Results: a summary on stdout, the HTML report in arbor-stress/target/jcstress-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnj -q -pl arbor-stress -am package -DskipTests
JAVA="$(./mvnj --java-home)/bin/java"
CP="$PWD/arbor-stress/target/classes:$(cat arbor-stress/target/stress-classpath.txt)"
cd arbor-stress/target
if [ $# -eq 0 ]; then set -- -m quick; fi
exec "$JAVA" -cp "$CP" org.openjdk.jcstress.Main -r jcstress-results "$@"
