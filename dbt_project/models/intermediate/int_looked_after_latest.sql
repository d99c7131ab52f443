{{ latest_version(ref('stg_looked_after'), 'period_id') }}
