update digests set status = 'sent', completed = ?
where digest_id = ? and status = 'pending';
