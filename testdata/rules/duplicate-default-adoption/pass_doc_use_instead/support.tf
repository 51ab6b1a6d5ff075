# Support for main.tf, the `## Use instead` block of rules/duplicate-default-adoption.md.
