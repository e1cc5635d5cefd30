#!/bin/sh
# One-shot MinIO set-up for Boda, run by the `minio-init` compose service (image minio/mc).
# Idempotent: safe on every `docker-compose up`.
#   - creates the bucket (private by default),
#   - creates (or updates the secret of) the application user BODA_S3_ACCESS_KEY,
#   - gives that user read/write on that bucket only (the app never holds the root credentials).
# POSIX sh only: the mc image is minimal (no bash, no grep guaranteed).
set -eu

: "${MINIO_URL:=http://minio:9000}"
: "${MINIO_ROOT_USER:?MINIO_ROOT_USER is required}"
: "${MINIO_ROOT_PASSWORD:?MINIO_ROOT_PASSWORD is required}"
: "${BODA_S3_ACCESS_KEY:?BODA_S3_ACCESS_KEY is required}"
: "${BODA_S3_SECRET_KEY:?BODA_S3_SECRET_KEY is required}"
: "${BODA_S3_BUCKET:=boda}"
POLICY="boda-${BODA_S3_BUCKET}-rw"
ALIAS=boda

log() { printf '[minio-init] %s\n' "$*"; }

if [ "$BODA_S3_ACCESS_KEY" = "$MINIO_ROOT_USER" ]; then
    log "BODA_S3_ACCESS_KEY equals MINIO_ROOT_USER: the app would run with root credentials; use a separate key"
    exit 1
fi

# compose waits for the MinIO healthcheck; retry anyway (a restart between the two is possible)
tries=0
until mc alias set "$ALIAS" "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
        log "MinIO at $MINIO_URL not reachable with the root credentials"
        exit 1
    fi
    sleep 2
done

log "bucket $BODA_S3_BUCKET"
mc mb --ignore-existing "$ALIAS/$BODA_S3_BUCKET"   # new buckets are private

policy_file=/tmp/boda-minio-policy.json
trap 'rm -f "$policy_file"' EXIT
cat > "$policy_file" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::${BODA_S3_BUCKET}"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                 "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      "Resource": ["arn:aws:s3:::${BODA_S3_BUCKET}/*"]
    }
  ]
}
EOF

log "policy $POLICY"
mc admin policy create "$ALIAS" "$POLICY" "$policy_file" >/dev/null

log "user $BODA_S3_ACCESS_KEY"
mc admin user add "$ALIAS" "$BODA_S3_ACCESS_KEY" "$BODA_S3_SECRET_KEY" >/dev/null

# `attach` fails when the policy is already attached: accept that case only.
if ! out=$(mc admin policy attach "$ALIAS" "$POLICY" --user "$BODA_S3_ACCESS_KEY" 2>&1); then
    info=$(mc admin user info "$ALIAS" "$BODA_S3_ACCESS_KEY" --json 2>&1 || true)
    case "$info" in
        *"$POLICY"*) log "policy already attached" ;;
        *) log "attaching $POLICY failed: $out"; exit 1 ;;
    esac
fi

log "done"
