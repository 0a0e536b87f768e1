/**
 * Access exports in S3: `exports/<request id>.json`, in the bucket the construct made (encrypted with the
 * pipeline key by the bucket's default, TLS only, deleted by its lifecycle). The client reaches S3
 * through the VPC's S3 gateway endpoint; it honours AWS_ENDPOINT_URL_S3 (the tests point it at moto).
 */
import { DeleteObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EXPORT_PREFIX } from '../../src/private/rights-contract';

const client = new S3Client({});

/** The object key of a request's export. */
export function exportKey(requestId: string): string {
  return `${EXPORT_PREFIX}${requestId}.json`;
}

/** Writes an export; returns its size in bytes. */
export async function putExport(bucket: string, requestId: string, document: object): Promise<number> {
  const body = Buffer.from(JSON.stringify(document, null, 1), 'utf8');
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: exportKey(requestId), Body: body, ContentType: 'application/json' }));
  return body.length;
}

/** Deletes the exports of these requests (absent ones are fine); returns how many keys were asked for. */
export async function deleteExports(bucket: string, requestIds: readonly string[]): Promise<number> {
  for (let i = 0; i < requestIds.length; i += 1000) {
    const batch = requestIds.slice(i, i + 1000);
    const out = await client.send(new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: batch.map(id => ({ Key: exportKey(id) })), Quiet: true },
    }));
    if (out.Errors !== undefined && out.Errors.length > 0) {
      throw new Error(`S3 refused to delete ${out.Errors.length} export(s): ${out.Errors.map(e => `${e.Key}: ${e.Code}`).join(', ')}`);
    }
  }
  return requestIds.length;
}
