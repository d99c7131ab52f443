-- Grain: month x district x team, for the teams in that month's workforce or
-- establishment snapshot. Headcounts and FTE are of case-holding workers, as the
-- workforce indicators count them; allocated_cases counts the month's allocations to
-- any worker of the team.
with

workers as (select * from {{ ref('int_workforce_workers') }}),

establishment as (select * from {{ ref('stg_establishment') }}),

teams_in_workforce as (

    select
        month_start,
        district_code,
        team_code,
        mode(team_type) as team_type,
        count(*) filter (where is_case_holding) as case_holding_headcount,
        coalesce({{ exact_sum('fte', 'is_case_holding') }}, 0) as case_holding_fte,
        count(*) filter (where is_case_holding_agency) as agency_headcount,
        coalesce({{ exact_sum('fte', 'is_case_holding_agency') }}, 0) as agency_fte,
        coalesce({{ exact_sum('fte', 'is_case_holding_permanent') }}, 0) as permanent_fte,
        sum(allocated_cases) as allocated_cases
    from workers
    group by all

),

final as (

    select
        month_start,
        district_code,
        team_code,
        coalesce(establishment.team_type, teams_in_workforce.team_type) as team_type,
        coalesce(teams_in_workforce.case_holding_headcount, 0) as case_holding_headcount,
        coalesce(teams_in_workforce.case_holding_fte, 0) as case_holding_fte,
        coalesce(teams_in_workforce.agency_headcount, 0) as agency_headcount,
        coalesce(teams_in_workforce.agency_fte, 0) as agency_fte,
        coalesce(teams_in_workforce.permanent_fte, 0) as permanent_fte,
        coalesce(establishment.establishment_fte, 0) as establishment_fte,
        coalesce(teams_in_workforce.allocated_cases, 0) as allocated_cases
    from teams_in_workforce
    full outer join establishment using (month_start, district_code, team_code)
    inner join {{ ref('int_district_months') }} using (month_start, district_code)

)

select * from final
