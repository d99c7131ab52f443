{{ latest_version(ref('stg_referrals'), 'referral_id') }}
