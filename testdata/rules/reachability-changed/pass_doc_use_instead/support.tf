# The change denies SSH only from a range outside the VPC: no flow between the resources changes.
