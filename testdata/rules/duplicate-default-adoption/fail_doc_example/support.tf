# Support for main.tf, the `## Example` block of rules/duplicate-default-adoption.md.
# expect: duplicate-default-adoption module.instances.aws_default_vpc.default
