# The change opens SSH on aws_instance.web to the world (see before.tf.txt for the prior configuration).
# expect: internet-exposure-added aws_vpc_security_group_ingress_rule.ssh
