# The change makes the app subnet's NACL deny SSH from everywhere (before.tf.txt: the prior configuration).
# expect: reachability-changed aws_network_acl_rule.app_in_deny_ssh
