"""Cell values read by hand from the reports in ../shared/corpus (raw/*.txt, seeds/*.txt, the PDFs' text) for
the derived gold set eval/sets/derived.jsonl; build_derived.py composes the questions and their formulas.

Keys are the canonical fact keys; each value was read off the printed table (see the note per report).
"""

PT = "平潭综合实验区"
FACTS = {
    # raw/fujian-pingtan_2019: new 23 (all natural persons); results 7+1+0+12+3+0 = 23
    (PT, 2019): {"new": 23, "granted": 7, "partial": 1, "denied": 0, "unable": 12, "unable_not_held": 7,
                 "unable_unclear": 5, "rejected": 3, "rejected_duplicate": 3, "processed": 23, "carried_forward": 0,
                 "recon_total": 0, "recon_corrected": 0, "lit_direct_total": 0, "lit_after_total": 0},
    # raw/fujian-pingtan_2020: new 20 natural + 1 other org = 21; processed printed 21 (results sum to 27)
    (PT, 2020): {"new": 21, "new_natural": 20, "new_other_org": 1, "granted": 7, "partial": 6, "denied": 0,
                 "unable_not_held": 4, "unable_unclear": 3, "rejected_duplicate": 3, "other_total": 4,
                 "processed": 21, "recon_total": 0, "lit_direct_total": 0},
    # raw/fujian-pingtan_2021: new 64+0+0+2+0+4 = 70; results 30+5+8+25+0+1 = 69; T4 1 0 2 0 3 | 12 0 0 0 12 | 0…
    (PT, 2021): {"new": 70, "new_natural": 64, "new_social": 2, "new_other_org": 4, "granted": 30, "partial": 5,
                 "denied": 8, "denied_internal": 1, "denied_enforcement": 6, "denied_query": 1, "unable_not_held": 25,
                 "processed": 69, "carried_forward": 1, "recon_upheld": 1, "recon_corrected": 0, "recon_other": 2,
                 "recon_total": 3, "lit_direct_upheld": 12, "lit_direct_total": 12, "lit_after_total": 0},
    # raw/fujian-pingtan_2022: new 71+3 = 74; results 21+9+4+37+0+4 = 75; T4 0 1 1 0 2 | 1 0 0 0 1 | 0…
    (PT, 2022): {"new": 74, "new_natural": 71, "new_commercial": 3, "carried_over": 1, "granted": 21, "partial": 9,
                 "denied": 4, "denied_internal": 1, "denied_process": 2, "denied_enforcement": 1,
                 "unable_not_held": 37, "processed": 75, "carried_forward": 0, "recon_upheld": 0,
                 "recon_corrected": 1, "recon_other": 1, "recon_total": 2, "lit_direct_total": 1,
                 "lit_after_total": 0},
    # raw/fujian-pingtan_2023: new 80+1 = 81; results 22+20+5+31+1+2 = 81; T4 1 1 0 0 2 | 4 0 0 1 5 | 1 0 1 0 2
    (PT, 2023): {"new": 81, "new_natural": 80, "new_commercial": 1, "granted": 22, "partial": 20, "denied": 5,
                 "denied_third": 1, "denied_process": 1, "denied_enforcement": 1, "denied_query": 2,
                 "unable_not_held": 31, "rejected_duplicate": 1, "processed": 81, "recon_upheld": 1,
                 "recon_corrected": 1, "recon_total": 2, "lit_direct_upheld": 4, "lit_direct_pending": 1,
                 "lit_direct_total": 5, "lit_after_total": 2},
    # raw/fujian-pingtan_2024: new 217+1 = 218; results 71+29+39+75+1+3 = 218; T4 2 1 3 1 7 | 0… | 13 2 4 0 19
    (PT, 2024): {"new": 218, "new_natural": 217, "new_commercial": 1, "granted": 71, "partial": 29, "denied": 39,
                 "denied_secret": 4, "denied_third": 3, "denied_internal": 32, "unable_not_held": 75,
                 "rejected_duplicate": 1, "processed": 218, "carried_forward": 0, "recon_upheld": 2,
                 "recon_corrected": 1, "recon_other": 3, "recon_pending": 1, "recon_total": 7, "lit_direct_total": 0,
                 "lit_after_upheld": 13, "lit_after_corrected": 2, "lit_after_total": 19},
    # raw/fujian-pingtan_2025: new 151+3 = 154; results 33+38+11+53+2+11 = 148; carried forward 6; T4 25 3 8 0 36 | 3 3 0 0 6 | 3 0 0 0 3
    (PT, 2025): {"new": 154, "new_natural": 151, "new_commercial": 3, "granted": 33, "partial": 38, "denied": 11,
                 "unable_not_held": 50, "unable": 53, "processed": 148, "carried_forward": 6, "recon_upheld": 25,
                 "recon_corrected": 3, "recon_other": 8, "recon_total": 36, "lit_direct_corrected": 3,
                 "lit_direct_total": 6, "lit_after_total": 3},
    # raw/fujian-pingtan-gonganju_2024: new 8; results 3+1+0+4 = 8; T4 all 0
    ("平潭综合实验区公安局", 2024): {"new": 8, "granted": 3, "partial": 1, "unable_not_held": 4, "processed": 8,
                             "recon_total": 0, "lit_direct_total": 0, "lit_after_total": 0},
    # seeds/000: new 48 + 1 legal = 49; results 10+6+0+27+1+2 = 46; carried forward 3; T4 0 1 0 0 1 | 0… | 0…
    ("洛阳市洛龙区人民政府办公室", 2021): {"new": 49, "new_natural": 48, "new_legal": 1, "granted": 10, "partial": 6,
                                "denied": 0, "unable_not_held": 26, "unable_creation": 1, "processed": 46,
                                "carried_forward": 3, "recon_corrected": 1, "recon_total": 1, "lit_direct_total": 0},
    # seeds/003: new 2 + 21 commercial + 4 legal = 27; results 25+1+1 = 27; T4 all 0
    ("伊川县人民政府", 2020): {"new": 27, "new_natural": 2, "new_commercial": 21, "new_legal": 4, "granted": 25,
                        "partial": 1, "denied": 1, "processed": 27, "recon_total": 0, "lit_direct_total": 0},
    # seeds/001 (v2019): new 31; results 2+18+10+1 = 31; T4 0… | 2 0 0 0 2 | 0…
    ("开封市龙亭区人民政府办公室", 2019): {"new": 31, "granted": 2, "partial": 18, "denied": 10, "denied_third": 10,
                                 "processed": 31, "recon_total": 0, "lit_direct_upheld": 2, "lit_direct_total": 2},
    # raw/jiangsu-huaian-shi_2024 (PDF): new 3001+53+61+4 = 3119; results 1362+454+178+781+88+187 = 3050
    ("淮安市人民政府", 2024): {"new": 3119, "new_natural": 3001, "new_commercial": 53, "new_legal": 61, "new_other_org": 4,
                        "carried_over": 34, "granted": 1362, "partial": 454, "denied": 178, "denied_secret": 2,
                        "denied_law": 31, "denied_security": 5, "denied_third": 6, "denied_internal": 8,
                        "denied_process": 12, "denied_enforcement": 9, "denied_query": 105, "unable": 781,
                        "unable_not_held": 769, "rejected": 88, "rejected_petition": 62, "other": 187,
                        "processed": 3050, "carried_forward": 103, "recon_upheld": 72, "recon_corrected": 64,
                        "recon_other": 178, "recon_pending": 37, "recon_total": 351, "lit_direct_upheld": 13,
                        "lit_direct_corrected": 4, "lit_direct_total": 26, "lit_after_corrected": 1,
                        "lit_after_total": 20},
    # raw/jiangsu-huaian-hongzequ_2024 (PDF): new 95; results 50+9+3+32+1 = 95; T4 1 1 0 0 2 | 1 0 0 0 1 | 2 0 1 0 3
    ("淮安市洪泽区人民政府", 2024): {"new": 95, "granted": 50, "partial": 9, "denied": 3, "unable": 32,
                           "unable_not_held": 31, "processed": 95, "recon_corrected": 1, "recon_total": 2,
                           "lit_direct_total": 1, "lit_after_total": 3},
    # raw/jiangsu-huaian-hongzequ_2023 (PDF): new 21; results 0+4+3+13+1 = 21 (its T4 row is garbled: not used)
    ("淮安市洪泽区人民政府", 2023): {"new": 21, "granted": 0, "partial": 4, "denied": 3, "unable_not_held": 10,
                           "processed": 21},
}

KEYS = {
    "new": "T3/new_requests/total", "new_natural": "T3/new_requests/natural_person",
    "new_commercial": "T3/new_requests/commercial_enterprise", "new_legal": "T3/new_requests/legal_service_org",
    "new_other_org": "T3/new_requests/other_org", "new_social": "T3/new_requests/social_welfare_org",
    "carried_over": "T3/carried_over/total", "granted": "T3/granted/total", "partial": "T3/partially_granted/total",
    "denied": "T3/denied_state_secret/total", "denied_secret": "T3/denied_state_secret/total",
    "denied_internal": "T3/denied_internal_affairs/total", "denied_enforcement": "T3/denied_enforcement_file/total",
    "denied_query": "T3/denied_admin_query/total", "denied_third": "T3/denied_third_party_rights/total",
    "denied_process": "T3/denied_process_info/total", "denied_law": "T3/denied_prohibited_by_law/total",
    "denied_security": "T3/denied_security_stability/total",
    "unable": "T3/unable_not_held/total", "unable_not_held": "T3/unable_not_held/total",
    "unable_creation": "T3/unable_needs_creation/total", "unable_unclear": "T3/unable_unclear/total",
    "rejected": "T3/rejected_petition/total", "rejected_duplicate": "T3/rejected_duplicate/total",
    "rejected_petition": "T3/rejected_petition/total", "other": "T3/other_no_correction/total",
    "other_total": "T3/other_total/total", "processed": "T3/processed_total/total",
    "carried_forward": "T3/carried_forward/total",
    "recon_upheld": "T4/reconsideration/upheld", "recon_corrected": "T4/reconsideration/corrected",
    "recon_other": "T4/reconsideration/other", "recon_pending": "T4/reconsideration/pending",
    "recon_total": "T4/reconsideration/total", "lit_direct_upheld": "T4/litigation_direct/upheld",
    "lit_direct_corrected": "T4/litigation_direct/corrected", "lit_direct_pending": "T4/litigation_direct/pending",
    "lit_direct_total": "T4/litigation_direct/total", "lit_after_upheld": "T4/litigation_after_reconsideration/upheld",
    "lit_after_corrected": "T4/litigation_after_reconsideration/corrected",
    "lit_after_total": "T4/litigation_after_reconsideration/total",
}
