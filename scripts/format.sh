#!/usr/bin/env bash
# Formats every Swift file with the checked-in .swift-format, then lints what formatting cannot
# fix (a missing doc comment, an end-of-line comment past the line length): what CI checks.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format format --in-place --recursive Sources Tests bench Package.swift
swift format lint --strict --recursive Sources Tests bench Package.swift
