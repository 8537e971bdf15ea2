"""Reads every object under a prefix of an S3 bucket back, for the object-storage tests:
writes each object's bytes under DEST and prints its headers as JSON. Uses boto3, not the
crate bifeed publishes with.

Usage: read_bucket.py ENDPOINT BUCKET PREFIX DEST
"""
import json
import os
import sys

import boto3

endpoint, bucket, prefix, dest = sys.argv[1:5]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    aws_access_key_id=os.environ.get("BUCKET_KEY_ID", "test-key"),
    aws_secret_access_key=os.environ.get("BUCKET_SECRET", "test-secret"),
    region_name=os.environ.get("BUCKET_REGION", "us-east-1"),
)
objects = {}
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
    for listed in page.get("Contents", []):
        key = listed["Key"]
        rel = key[len(prefix) + 1 :]
        got = s3.get_object(Bucket=bucket, Key=key)
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(got["Body"].read())
        objects[rel] = {
            "content_type": got.get("ContentType"),
            "cache_control": got.get("CacheControl"),
            "content_encoding": got.get("ContentEncoding"),
        }
json.dump(objects, sys.stdout)
