resource "aws_iam_role" "instance" {
  name = "${var.name}-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "instance" {
  name = "runtime"
  role = aws_iam_role.instance.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::${var.name}-artifacts", "arn:aws:s3:::${var.name}-artifacts/*"]
      },
      {
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = [for s in var.log_streams : "arn:aws:logs:us-east-1:*:log-group:/app/${var.name}/${s}:*"]
      },
      {
        Sid      = "ReadParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
        Resource = "arn:aws:ssm:us-east-1:*:parameter/${var.name}/*"
      },
      {
        Sid      = "Queues"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:SendMessage"]
        Resource = "arn:aws:sqs:us-east-1:*:${var.name}-*"
      },
    ]
  })
}

resource "aws_iam_policy" "read_config" {
  name        = "${var.name}-read-config"
  description = "Read the service configuration"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "kms:Decrypt"]
      Resource = "*"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "read_config" {
  role       = aws_iam_role.instance.name
  policy_arn = aws_iam_policy.read_config.arn
}

resource "aws_iam_instance_profile" "instance" {
  name = "${var.name}-app"
  role = aws_iam_role.instance.name
  tags = var.tags
}

resource "aws_instance" "app" {
  count                  = var.instance_count
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = var.security_group_ids
  iam_instance_profile   = aws_iam_instance_profile.instance.name

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
    encrypted   = true
  }

  metadata_options {
    http_tokens = "required"
  }

  tags = merge(var.tags, { Name = "${var.name}-app-${count.index}" })
}

resource "aws_cloudwatch_log_group" "app" {
  for_each          = toset(var.log_streams)
  name              = "/app/${var.name}/${each.key}"
  retention_in_days = 14
  tags              = var.tags
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "${var.name}-artifacts"
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_ssm_parameter" "config" {
  for_each = toset(["db-host", "db-name", "feature-flags"])
  name     = "/${var.name}/${each.key}"
  type     = "String"
  value    = "${var.name}-${each.key}"
  tags     = var.tags
}

resource "aws_sqs_queue" "jobs" {
  name                       = "${var.name}-jobs"
  visibility_timeout_seconds = 60
  message_retention_seconds  = 345600
  tags                       = var.tags
}

resource "aws_sns_topic" "alerts" {
  name = "${var.name}-alerts"
  tags = var.tags
}
