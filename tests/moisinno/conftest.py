from tests.s3_server import s3, s3_server  # noqa: F401 - a local S3 server and a bucket (fixtures)
