#!/usr/bin/env bash
# Runs every test: installs the Debian packages the tests use, builds with warnings as errors,
# runs the test projects and ends with the test runner's summary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

eng/prerequisites.sh runtime test
dotnet build Backpack.slnx -c Release -nologo -v quiet -clp:NoSummary --disable-build-servers
dotnet test Backpack.slnx -c Release --no-build -nologo
