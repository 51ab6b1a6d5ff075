# The change narrows SSH to the VPC: nothing becomes reachable from the internet.
