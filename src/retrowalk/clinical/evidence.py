"""The evidence catalogue: every source of ``clinical/evidence-report.md`` as data.

Each entry says what the report says and no more: citation, DOI/PMID where the report gives
them, population, protocol, result, and the report's verification status ([V] verified in a
retrieved source, [V, partial], [V] as a secondary source only, or [U] unverified). "Not
retrieved" means the report could not read it; nothing here fills such a gap.

The seed blog post's three study claims are here too, with the report's verdict (§2).
``Reason.sources`` and the clinical docstrings use these keys; a test checks they all exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.errors import ClinicalError


class Status(StrEnum):
    """How far the evidence report could verify a source."""

    VERIFIED = "verified"
    """[V]: seen in a retrieved source."""
    VERIFIED_PARTIAL = "verified_partial"
    """[V, partial]: only part of the abstract or page was readable."""
    VERIFIED_SECONDARY = "verified_secondary"
    """[V] as a secondary source: a summary or mirror copy, not the original."""
    UNVERIFIED = "unverified"
    """[U]: from memory or a secondary source only; do not hard-code without checking."""


class Group(StrEnum):
    """Where the source sits in the evidence report."""

    KNEE_OA_TRIALS = "Knee OA: randomised trials"
    KNEE_OA_REVIEWS = "Knee OA: systematic reviews and meta-analyses"
    OTHER_POPULATIONS = "ACL reconstruction, TKA and older adults"
    BIOMECHANICS = "Biomechanics: patellofemoral load, EMG and energy cost"
    GAIT_AND_FALL_RISK = "Backward gait speed and fall-risk cut-offs"
    PROGRESSION = "Pain monitoring and progression"
    SCREENING = "Safety screening"
    OUTCOMES = "Outcome measures and meaningful change"
    GUIDELINES = "Knee OA exercise guidelines"


class Evidence(BaseModel):
    """One source as the evidence report describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    group: Group
    citation: str
    doi: str | None = None
    pmid: str | None = None
    population: str
    protocol: str
    result: str
    status: Status
    status_note: str = ""
    """What exactly was or was not verified, in the report's words."""


class Verdict(StrEnum):
    """The report's verdicts on the seed's claims (evidence-report §2)."""

    UNSUPPORTED_AS_CITED = "unsupported as cited"
    CONTRADICTED = "contradicted"
    UNVERIFIED_PLAUSIBLE = "citation unverified; plausible in healthy young adults"


class SeedClaim(BaseModel):
    """A study claim of the seed blog post and what the evidence says about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int
    claim: str
    verdict: Verdict
    explanation: str
    closest_evidence: tuple[str, ...]
    """Catalogue keys of the closest real evidence."""


class UnknownEvidenceError(ClinicalError):
    """A catalogue key that is not in the evidence report."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"evidence key {key!r} is not in the catalogue; use one of the keys listed by "
            "`retrowalk evidence`."
        )


_NR = "Not retrieved."

_ENTRIES: Final[tuple[Evidence, ...]] = (
    # --- 1.1 Knee OA: randomised trials ----------------------------------------------------------
    Evidence(
        key="alghadir2019",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "Alghadir AH, Anwer S, Sarkar B, Paul AK, Anwar D. 2019. Effect of 6-week retro or "
            "forward walking program on pain, functional disability, quadriceps muscle "
            "strength, and performance in individuals with knee osteoarthritis: a randomized "
            "controlled trial (retro-walking trial). BMC Musculoskelet Disord 20:159. "
            "PMC6456984. ISRCTN12850845."
        ),
        doi="10.1186/s12891-019-2537-9",
        population="Knee OA outpatients; n = 68 (mean age 55.6 y; 38 female); three arms.",
        protocol=(
            "10 min of supervised retro or forward walking added to usual care, 3 days/week "
            "for 6 weeks. Usual care: straight-leg raise, isometric quadriceps, isometric hip "
            "adduction, terminal knee extension, semi-squat, leg press. Speed, surface and "
            "progression rule not retrieved."
        ),
        result=(
            "Retro vs control (ITT): pain change 1.8 vs 1.0 (p = 0.01); functional disability "
            "change 4.8 vs 2.2 (p = 0.008); 'a greater improvement in quadriceps…' (abstract "
            "cut off). Retro-vs-forward and TUG figures not retrieved."
        ),
        status=Status.VERIFIED_PARTIAL,
        status_note="Only the abstract was readable.",
    ),
    Evidence(
        key="alghadir2016",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "Alghadir A, Anwer S. 2016. Effect of retro and forward walking on quadriceps "
            "muscle strength, pain, function, and mobility in patients with knee "
            "osteoarthritis: a protocol for a randomized controlled trial. BMC Musculoskelet "
            "Disord 17:161. PMC4830006."
        ),
        doi="10.1186/s12891-016-1021-z",
        population="Planned n = 69, three arms.",
        protocol="3 days/week for 6 weeks, plus standard physiotherapy.",
        result=(
            "Protocol only. Its background calls retro-walking a safe closed-kinetic-chain "
            "exercise because patellofemoral compressive forces are reduced."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="gondhalekar2013",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "Gondhalekar GA, Deo MV. 2013. Retrowalking as an adjunct to conventional "
            "treatment versus conventional treatment alone on pain and disability in patients "
            "with acute exacerbation of chronic knee osteoarthritis: a randomized clinical "
            "trial. N Am J Med Sci 5(2):108–112."
        ),
        doi="10.4103/1947-2714.107527",
        population="Acute exacerbation of chronic knee OA; n = 30 (two groups of 15).",
        protocol=(
            "Conventional treatment with or without retro-walking; measured before, after "
            "1 week and after 3 weeks. Dose (minutes, speed, surface) not retrieved."
        ),
        result=(
            "At 3 weeks WOMAC improved more with retro-walking (between-group p = 0.040; "
            "time × group p = 0.024). Pain (VAS) improved within groups only."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="chen2021",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "Chen Z, Ye X, Wang Y, Shen Z, Wu J, Chen W, Jiang T, Wu H, Xu X. 2021. The "
            "efficacy of backward walking on static stability, proprioception, pain, and "
            "physical function of patients with knee osteoarthritis: a randomized controlled "
            "trial. Evid Based Complement Alternat Med 2021:5574966."
        ),
        doi="10.1155/2021/5574966",
        pmid="34221078",
        population="Knee OA; n = 32 (16 backward walking + conventional, 16 conventional).",
        protocol="4 weeks of backward walking plus conventional treatment. Dose not retrieved.",
        result=(
            "Week 4: pain NRS 1.56 vs 2.25 and WOMAC 11.69 vs 16.19, both better with backward "
            "walking; sway area fell more. Proprioception was closely similar in both groups: "
            "no backward-walking advantage."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="rangey2016",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "Rangey PS, Sheth MS, Vyas NJ. 2016. Comparison of effectiveness of forward and "
            "backward walking on pain, physical function, and quality of life in subjects with "
            "osteoarthritis of knee. Int J Health Allied Sci 5(4)."
        ),
        doi="10.4103/2278-344X.194085",
        population="Knee OA, three groups; n not retrieved.",
        protocol=_NR,
        result=(
            "All groups improved; no statistically significant difference between groups "
            "except WOMAC (abstract cut off)."
        ),
        status=Status.VERIFIED_PARTIAL,
    ),
    Evidence(
        key="almutairi2023",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "Almutairi SM et al. 2023. Effects of backward walking exercise using lower body "
            "positive pressure treadmill on knee symptoms and physical function in individuals "
            "with knee osteoarthritis: a protocol for RCT. J Orthop Surg Res 18:264."
        ),
        doi="10.1186/s13018-023-03711-x",
        population="Planned n = 26, mild–moderate knee OA; backward vs forward walking.",
        protocol=(
            "Anti-gravity treadmill, 3×/week for 6 weeks, walking up to 30 min per session "
            "after conventional exercise and a warm-up."
        ),
        result=(
            "Protocol only. Planned outcomes include NPRS, KOOS, TUG and the 3-m backward walk "
            "test."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="nct06274346",
        group=Group.KNEE_OA_TRIALS,
        citation=(
            "NCT06274346. Effect of retro walking versus isometric multi-angular exercises on "
            "pain and functional performance in knee osteoarthritis in geriatric population. "
            "Completed; 2023-06 to 2023-11."
        ),
        population="Geriatric knee OA.",
        protocol=_NR,
        result=_NR,
        status=Status.VERIFIED,
        status_note="Registry record only.",
    ),
    # --- 1.2 Knee OA: systematic reviews ---------------------------------------------------------
    Evidence(
        key="lin2025",
        group=Group.KNEE_OA_REVIEWS,
        citation=(
            "Lin LH, Peng YL, Yen LW, Tsai YL, Cheng CH. 2025. Effectiveness of backward "
            "walking exercises combined with conventional rehabilitation programs on managing "
            "pain intensity and disability in patients with knee osteoarthritis: a systematic "
            "review and meta-analysis of randomized controlled trials. Physiother Theory Pract."
        ),
        doi="10.1080/09593985.2025.2550532",
        pmid="40924430",
        population="13 RCTs in knee OA, searched to June 2025.",
        protocol="Backward walking added to conventional rehabilitation; random-effects Hedges' g.",
        result=(
            "Pain g = −0.997 (95 % CI −1.373 to −0.620); disability g = −1.015 (−1.326 to "
            "−0.703). Larger effects at comfortable walking speed and on a treadmill. "
            "Standalone efficacy, long-term impact and certainty still to be assessed."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="chen2020",
        group=Group.KNEE_OA_REVIEWS,
        citation=(
            "Chen Z, Ye X, Chen W, Xu X. 2020. Effectiveness of backward walking training on "
            "knee osteoarthritis: a systematic review and meta-analysis (Chinese). Chin J "
            "Tissue Eng Res 24(26):4251–4256."
        ),
        doi="10.3969/j.issn.2095-4344.2770",
        population="7 RCTs, 231 patients with knee OA.",
        protocol=(
            "Backward walking + conventional care vs conventional care alone, and vs forward "
            "walking."
        ),
        result=(
            "Added to conventional care: pain MD −1.05 (−1.46 to −0.63); function SMD −0.98; "
            "quadriceps strength SMD 1.07. Versus forward walking on WOMAC: SMD −0.43, "
            "P = 0.10, no significant difference."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="wang2019",
        group=Group.KNEE_OA_REVIEWS,
        citation=(
            "Wang J, Xu J, An R. 2019. Effectiveness of backward walking training on balance "
            "performance: a systematic review and meta-analysis. Gait Posture 68:466–475."
        ),
        doi="10.1016/j.gaitpost.2019.01.002",
        population="11 studies (9 RCTs), mixed populations, not knee-OA specific.",
        protocol="Backward walking training.",
        result=(
            "Overall stability index reduced by 0.99 (95 % CI 0.37–1.61). About balance, not "
            "knee OA."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="klemenov2021",
        group=Group.KNEE_OA_REVIEWS,
        citation=(
            "Klemenov AV. 2021. Possibilities with backward walking for knee pathology "
            "(literature review). Genij Ortopedii 27(1):128–131."
        ),
        doi="10.18019/1028-4427-2021-27-1-128-131",
        population="Literature search to February 2020.",
        protocol="Narrative review.",
        result=(
            "Backward walking is a useful adjunct in knee OA (pain, function, quadriceps "
            "strength); a limited number of papers for patellofemoral pain and ACL."
        ),
        status=Status.VERIFIED,
    ),
    # --- 1.3 Other populations -------------------------------------------------------------------
    Evidence(
        key="shen2021",
        group=Group.OTHER_POPULATIONS,
        citation=(
            "Shen M, Che S, Ye D, Li Y, Lin F, Zhang Y. 2021. Effects of backward walking on "
            "knee proprioception after ACL reconstruction. Physiother Theory Pract "
            "37(10):1109–1116."
        ),
        pmid="31633440",
        population="ACL reconstruction, n = 52; four backward-walking groups and a control.",
        protocol="Treadmill backward walking at 0°, 5°, 10° or 15° incline for 4 weeks.",
        result=(
            "Proprioception improved in all backward-walking groups vs control; 10° and 15° "
            "better than 0°."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="ozden2024",
        group=Group.OTHER_POPULATIONS,
        citation=(
            "Özden F, Uysal İ, Tümtürk İ, Özkeskin M, Özyer F. 2024. Does backward gait "
            "require more proprioception and balance in older adults after total knee "
            "arthroplasty? J Orthop 54:86–89."
        ),
        doi="10.1016/j.jor.2024.03.013",
        population="n = 105 after total knee arthroplasty; cross-sectional.",
        protocol="No training; 3-m backward walk and TUG measured.",
        result="3-m backward walk and TUG correlated with proprioception and balance.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="parikh2022",
        group=Group.OTHER_POPULATIONS,
        citation=(
            "Parikh PR, Desai DS. 2022. Effectiveness of forward walking versus retro walking "
            "on balance, gait speed and lower body functional strength among the elderly "
            "population."
        ),
        population="Elderly, n = 48.",
        protocol=(
            "5 min warm-up + 20 min walking + cool-down (30-min session), 3 days/week for 4 weeks."
        ),
        result="Retro walking better than forward on POMA, MDRT, 10MWT and 30-s sit-to-stand.",
        status=Status.VERIFIED_PARTIAL,
        status_note="Journal unverified [U]; details from a Mendeley record.",
    ),
    # --- 1.4 Biomechanics ------------------------------------------------------------------------
    Evidence(
        key="flynn1995",
        group=Group.BIOMECHANICS,
        citation=(
            "Flynn TW, Soutas-Little RW. 1995. Patellofemoral joint compressive forces in "
            "forward and backward running. J Orthop Sports Phys Ther 21(5):277–282."
        ),
        pmid="7787851",
        population="5 male joggers at self-selected speeds.",
        protocol="Backward vs forward running.",
        result=(
            "Peak patellofemoral compressive force 3.0 vs 5.6 body weights (backward vs "
            "forward); the authors warn constant-speed comparisons may differ."
        ),
        status=Status.VERIFIED,
        status_note="Volume/pages [U]; PMID from the record URL.",
    ),
    Evidence(
        key="roos2012",
        group=Group.BIOMECHANICS,
        citation=(
            "Roos PE, Barton N, van Deursen RWM. 2012. Patellofemoral joint compression forces "
            "in backward and forward running. J Biomech 45(9):1656–1660."
        ),
        doi="10.1016/j.jbiomech.2012.03.020",
        pmid="22503882",
        population="20 healthy adults at the same speed.",
        protocol="Backward vs forward running.",
        result=(
            "Patellofemoral compression 3.4 vs 4.5 body weights; not consistent in all subjects."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="odu1998",
        group=Group.BIOMECHANICS,
        citation=(
            "Old Dominion University MS thesis. 1998. Patellofemoral joint compressive forces "
            "during backward and forward running at the same speed."
        ),
        population="10 runners at 1.0 m/s.",
        protocol="Backward vs forward running at the same slow speed.",
        result=(
            "Patellofemoral reaction force 3.5 vs 3.4 body weights, similar: slow speed, not "
            "direction, may be what protects the joint."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="cipriani1995",
        group=Group.BIOMECHANICS,
        citation=(
            "Cipriani DJ, Armstrong CW, Gaul S. 1995. Backward walking at three levels of "
            "treadmill inclination: an electromyographic and kinematic analysis. J Orthop "
            "Sports Phys Ther 22(3):95–102."
        ),
        doi="10.2519/jospt.1995.22.3.95",
        population="16 healthy young adults (23 y).",
        protocol="Treadmill backward walking at 4.0 km/h, about 1 min at 0, 5 and 10 % incline.",
        result=(
            "Knee flexion at initial contact rose from 30.9° to 42.4° (0 → 10 %); thigh and "
            "calf muscle activity changed significantly with incline."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="dekrey2003",
        group=Group.BIOMECHANICS,
        citation=(
            "DeKrey S et al. 2003. An electromyographic and motion analysis of forward and "
            "backward walking. Univ. North Dakota PT Scholarly Project 111."
        ),
        population="Healthy adults.",
        protocol="Treadmill at 0 and 15 % grade.",
        result=(
            "Backward at 15 % vs forward at 0 %: vastus lateralis +609 %, semitendinosus "
            "+189 %, biceps femoris +172 % EMG."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="hooper2004",
        group=Group.BIOMECHANICS,
        citation=(
            "Hooper TL, Dunn DM, Props JE, Bruce BA, Sawyer SF, Daniel JA. 2004. The effects "
            "of graded forward and backward walking on heart rate and oxygen consumption. "
            "J Orthop Sports Phys Ther 34(2):65–71."
        ),
        pmid="15029939",
        population="27 young adults.",
        protocol="5, 7.5 and 10 % grade, 6 min each, forward and backward.",
        result="%HRmax and %VO2max 17–20 % higher backward than forward at every grade.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="chaloupka1997",
        group=Group.BIOMECHANICS,
        citation=(
            "Chaloupka EC et al. 1997. Cardiorespiratory and metabolic responses during "
            "forward and backward walking. J Orthop Sports Phys Ther 25(5):302–306."
        ),
        population="17 young adults.",
        protocol="93.8 m/min (3.5 mph) at 0 and 5 % grade.",
        result="Backward walking gave greater cardiorespiratory, metabolic and effort responses.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="lee2013",
        group=Group.BIOMECHANICS,
        citation=(
            "Lee M, Kim J, Son J, Kim Y. 2013. Kinematic and kinetic analysis during forward "
            "and backward walking. Gait Posture 38:674–678."
        ),
        population="Healthy adults.",
        protocol="Forward vs backward walking.",
        result=("Backward speed generally lower; joint angles almost the time-reverse of forward."),
        status=Status.VERIFIED,
    ),
    # --- 5. Backward gait and fall risk ----------------------------------------------------------
    Evidence(
        key="laufer2005",
        group=Group.GAIT_AND_FALL_RISK,
        citation=(
            "Laufer Y. 2005. Effect of age on characteristics of forward and backward gait at "
            "preferred and accelerated walking speed. J Gerontol A Biol Sci Med Sci "
            "60(5):627–632."
        ),
        doi="10.1093/gerona/60.5.627",
        pmid="15972616",
        population="40 older (77.7 y) and 30 young adults.",
        protocol="Computerised walkway, comfortable and fast pace.",
        result=(
            "Walking backward lowers speed and stride length with unchanged cadence; the "
            "stride drop is larger in older adults."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="fritz2013",
        group=Group.GAIT_AND_FALL_RISK,
        citation=(
            "Fritz NE, Worstell AM, Kloos AD, Siles AB, White SE, Kegelmeyer DA. 2013. "
            "Backward walking measures are sensitive to age-related changes in mobility and "
            "balance. Gait Posture 37(4):593–597."
        ),
        doi="10.1016/j.gaitpost.2012.09.022",
        pmid="23122938",
        population="37 young, 31 middle-aged, 62 elderly.",
        protocol="Backward walking measures vs mobility and balance.",
        result="All elderly fallers walked backward slower than 0.6 m/s.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="carter2020",
        group=Group.GAIT_AND_FALL_RISK,
        citation=(
            "Carter VA, Farley BG, Wing K, de Heer HD, Jain TK. 2020. Top Geriatr Rehabil "
            "36(3):140–145 (restating Carter et al.'s original 3-m backward walk cut-offs)."
        ),
        doi="10.1097/TGR.0000000000000272",
        population="Community-dwelling older adults (original cut-offs).",
        protocol="3-m backward walk test.",
        result="3.0 s or less = low fall risk; 4.5 s or more = high fall risk.",
        status=Status.VERIFIED,
        status_note="The original Carter 2019 J Geriatr Phys Ther paper is [U].",
    ),
    Evidence(
        key="polo_ferrero2025",
        group=Group.GAIT_AND_FALL_RISK,
        citation="Polo-Ferrero L et al. 2025. J Funct Morphol Kinesiol 10(2):154.",
        doi="10.3390/jfmk10020154",
        population="483 community older adults (76.3 y).",
        protocol="3-m backward walk.",
        result=(
            "Fallers 6.8 s vs non-fallers 5.1 s; optimal cut-off 5.5 s (sensitivity 59.5 %, "
            "specificity 68.6 %)."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="kapan2025",
        group=Group.GAIT_AND_FALL_RISK,
        citation="Kapan A, Ristic M, Felsinger R, Konrad A, Waldhoer T. 2025. JAMDA.",
        doi="10.1016/j.jamda.2025.105580",
        population="217 nursing-home residents (median age 80).",
        protocol="3-m backward walk.",
        result="Cut-offs 9.31 s (past falls) and 8.15 s (future falls); AUC about 0.74–0.75.",
        status=Status.VERIFIED,
    ),
    # --- 3.1 / 3.3 Progression -------------------------------------------------------------------
    Evidence(
        key="silbernagel2007",
        group=Group.PROGRESSION,
        citation=(
            "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. 2007. Continued sports "
            "activity, using a pain-monitoring model, during rehabilitation in patients with "
            "Achilles tendinopathy: a randomized controlled study. Am J Sports Med "
            "35(6):897–906."
        ),
        pmid="17307888",
        population="Achilles tendinopathy, n = 38 (not the knee: an extrapolation).",
        protocol="Pain-monitored continued running and jumping vs 6 weeks of active rest.",
        result=(
            "No negative effects of continued activity. Pain-model thresholds (safe / "
            "acceptable / above 5 not acceptable; next-day pain decides the load) are known "
            "from secondary summaries."
        ),
        status=Status.VERIFIED,
        status_note=(
            "Trial verified; the pain thresholds only from a secondary summary; 'no rise week "
            "to week' is [U]."
        ),
    ),
    Evidence(
        key="silbernagel2015",
        group=Group.PROGRESSION,
        citation=(
            "Silbernagel KG, Crossley KM. 2015. A proposed return-to-sport program for "
            "patients with midportion Achilles tendinopathy: rationale and implementation. "
            "J Orthop Sports Phys Ther."
        ),
        population="Midportion Achilles tendinopathy (clinical commentary).",
        protocol="Return-to-sport programme with pain monitoring.",
        result=_NR,
        status=Status.VERIFIED,
        status_note="Title, journal and year only.",
    ),
    Evidence(
        key="timmermans2016",
        group=Group.PROGRESSION,
        citation=(
            "Timmermans C et al. 2016. Walking adaptability therapy after stroke: study "
            "protocol for an RCT. Trials 17:425."
        ),
        population="Stroke (not the knee: an extrapolation).",
        protocol="Treadmill (C-Mill) walking adaptability therapy.",
        result=(
            "Protocol rule: walking speed rises by 10 % a week, provided the therapy remains "
            "safe and tolerated."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="van_de_venis",
        group=Group.PROGRESSION,
        citation="van de Venis. PhD thesis on C-Mill treadmill training in Parkinson's disease.",
        population="Parkinson's disease.",
        protocol=(
            "Comfortable treadmill speed: raise the belt 0.3 m/s above comfortable, lower it "
            "slowly until comfortable, use the mean of the two speeds."
        ),
        result="A published method to set treadmill speed; other speeds are percentages of it.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="garber2011_acsm",
        group=Group.PROGRESSION,
        citation=(
            "Garber CE, Blissmer B, Deschenes MR, Franklin BA, Lamonte MJ, Lee IM, Nieman DC, "
            "Swain DP. 2011. ACSM position stand. Med Sci Sports Exerc 43(7):1334–1359."
        ),
        doi="10.1249/MSS.0b013e318213fefb",
        population="Adults (position stand).",
        protocol="At least 150 min/week of moderate activity.",
        result=(
            "Gradual progression of exercise intensity and volume may reduce the risks of "
            "exercise. The '+5–10 min every 1–2 weeks' rule was not found; '≤ 10 % a week' is "
            "not an ACSM rule in any retrieved source."
        ),
        status=Status.VERIFIED,
    ),
    # --- 3.4 Safety screening --------------------------------------------------------------------
    Evidence(
        key="parq_classic",
        group=Group.SCREENING,
        citation="PAR-Q, the classic 7-item CSEP version (item wording from mirror copies).",
        population="Ages 15–69; over 69 and not used to activity: check with a doctor.",
        protocol="7 yes/no questions before becoming more active.",
        result="A YES to any item means consult a doctor before becoming more active.",
        status=Status.VERIFIED_SECONDARY,
    ),
    Evidence(
        key="steadi",
        group=Group.SCREENING,
        citation="CDC STEADI fall-risk screen (TUG, 4-stage balance test, key questions).",
        population="Older adults.",
        protocol="Timed Up and Go; 4-stage balance test; 30-s chair stand; key questions.",
        result=(
            "TUG 12 s or more = at risk (quoted in public code; the CDC PDF was not "
            "retrieved); tandem stand held less than 10 s = increased fall risk."
        ),
        status=Status.VERIFIED_SECONDARY,
    ),
    Evidence(
        key="steadi_chair_stand_norms",
        group=Group.SCREENING,
        citation=(
            "CDC STEADI 30-s chair stand norms, as implemented in GitHub "
            "Sreeramyapasala/Task---Sit-to-Stand-Frailty-Test-Project and cross-checked against "
            "livelifemoving.com (ages 60–84)."
        ),
        population="Ages 60–94, men and women.",
        protocol="30-s chair stand; standing with the arms scores 0.",
        result="A count below the age/sex norm is 'below average' (fall risk).",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="nhs_knee_red_flags",
        group=Group.SCREENING,
        citation=(
            "NHS knee red-flag pathways (Gloucestershire g-care 'Red flags for knee "
            "conditions'; Cornwall referral criteria; clinref.com)."
        ),
        population="People with knee problems.",
        protocol="Red flags that need emergency care or a doctor soon.",
        result=(
            "Infection, fracture/dislocation/tendon rupture, cannot bear weight, locked knee, "
            "rapid swelling after injury, possible DVT, neurovascular loss: urgent. Weight "
            "loss, hard lump, constant night pain, new polyarthritis: see a doctor."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="ottawa_knee_rule",
        group=Group.SCREENING,
        citation="Ottawa Knee Rule (Stiell, JAMA 1996), as summarised by secondary sites.",
        population="Acute knee trauma.",
        protocol=(
            "X-ray if any of: age 55 or over; isolated patellar tenderness; fibular-head "
            "tenderness; cannot flex to 90°; cannot take 4 weight-bearing steps."
        ),
        result="Decides when an X-ray is needed after knee trauma.",
        status=Status.VERIFIED_SECONDARY,
    ),
    # --- 4. Outcome measures ---------------------------------------------------------------------
    Evidence(
        key="roos1998_koos",
        group=Group.OUTCOMES,
        citation=(
            "Roos EM, Roos HP, Lohmander LS, Ekdahl C, Beynnon BD. 1998. Knee Injury and "
            "Osteoarthritis Outcome Score (KOOS) — development of a self-administered outcome "
            "measure. J Orthop Sports Phys Ther 28(2):88–96."
        ),
        population="Knee injury and osteoarthritis.",
        protocol="42 items in 5 subscales (Pain 9, Symptoms 7, ADL 17, Sport/Rec 5, QOL 4).",
        result="The KOOS questionnaire.",
        status=Status.VERIFIED,
        status_note="Citation verified (as cited in awell-score).",
    ),
    Evidence(
        key="koos_scoring_2012",
        group=Group.OUTCOMES,
        citation="KOOS Scoring 2012 (koos.nu).",
        population="KOOS users.",
        protocol="Items 0–4; subscale = 100 − mean × 25; ≥ 50 % of items answered.",
        result="Two boxes marked → the more severe; no total score.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="gandek2019_koos12",
        group=Group.OUTCOMES,
        citation=(
            "Gandek B, Roos EM, Franklin PD, Ware JE Jr. 2019. A 12-item short form of the "
            "KOOS (KOOS-12): tests of reliability, validity and responsiveness. Osteoarthritis "
            "Cartilage 27(5):762–770."
        ),
        doi="10.1016/j.joca.2019.01.011",
        pmid="30716536",
        population="Knee patients.",
        protocol="12 items: Pain 4, Function 4, QOL 4; each scale needs ≥ 2 of 4 items.",
        result="Scales 0–100 (100 best); summary = mean of the three scales.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="perruccio2008_koos_ps",
        group=Group.OUTCOMES,
        citation=(
            "Perruccio AV et al. 2008. KOOS-PS (physical function short form). Osteoarthritis "
            "Cartilage 16:542–550."
        ),
        population="Knee OA.",
        protocol="7 items, each 0–4; raw sum 0–28.",
        result="Raw sum converted by a Rasch table (see awell_score_koos_ps_table).",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="awell_score_koos_ps_table",
        group=Group.OUTCOMES,
        citation=(
            "awell-health/awell-score, src/scores/koos_ps/definition/"
            "koos_ps_conversion_table.ts, commit c37843e505763f1767d22d0250ee1920eccddb21."
        ),
        population="Software (MIT code; instrument content not licensed).",
        protocol="KOOS-PS raw 0–28 → score, 100 = no difficulty.",
        result="Raw 11 → 64.7 in the code (its README says 67.7; 64.7 fits the sequence).",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="salaffi2004",
        group=Group.OUTCOMES,
        citation="Salaffi F et al. 2004. Eur J Pain 8(4):283–291.",
        doi="10.1016/j.ejpain.2003.09.004",
        pmid="15207508",
        population="825 chronic musculoskeletal pain patients, 233 with knee OA.",
        protocol="NRS pain 0–10.",
        result="Minimal change −1 point or −15 %; much better −2 points or −33 %.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="koos_mic_2025",
        group=Group.OUTCOMES,
        citation="PMID 41367621 (2025; authors and journal not retrieved).",
        pmid="41367621",
        population="131 patients, mild–moderate knee OA, non-surgical RCT, 4-month follow-up.",
        protocol="Predictive modelling of KOOS minimal important change.",
        result="MIC: Pain 11.3, Symptoms 12.1, ADL 10.2, Sport/Rec 15.5, QOL 13.2.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="mostafaee2021",
        group=Group.OUTCOMES,
        citation=(
            "Mostafaee N, Nourollahi F, Mostamand J, Negahban H. 2021. Physiother Theory Pract."
        ),
        population="146 knee OA patients, Persian KOOS, 4 weeks of physiotherapy.",
        protocol="ROC-based minimal important change.",
        result="MIC: Pain 15, Symptoms 12.5, ADL 15.5, Sport/Rec 17.5, QOL 12.5.",
        status=Status.VERIFIED,
    ),
    Evidence(
        key="koos_ps_mcid",
        group=Group.OUTCOMES,
        citation="PMC3943561 (ICOAP/KOOS-PS reliability study; authors unverified).",
        population="141 knee arthritis patients.",
        protocol="MCID of KOOS-QOL and KOOS-PS.",
        result="MCID 8.0 (QOL) and 2.2 (KOOS-PS).",
        status=Status.VERIFIED,
        status_note="Authors [U].",
    ),
    Evidence(
        key="tug_mdc_knee_oa",
        group=Group.OUTCOMES,
        citation="BMC Musculoskelet Disord 2015 (authors Alghadir, Anwer, Brismée unverified).",
        doi="10.1186/s12891-015-0637-8",
        population="65 patients with grade 1–3 knee OA, aged 45–70.",
        protocol="TUG reliability.",
        result="MDC 1.10 s (same rater), 1.14 s (between raters).",
        status=Status.VERIFIED,
        status_note="Authors [U].",
    ),
    Evidence(
        key="gilbert2021",
        group=Group.OUTCOMES,
        citation=(
            "Gilbert AL, Song J, Cella D, Chang RW, Dunlop DD. 2021. Arthritis Care Res "
            "73(4):559–565."
        ),
        doi="10.1002/acr.24159",
        pmid="32004424",
        population="2,527 OAI participants with radiographic knee OA.",
        protocol="20-m and 400-m walk.",
        result="Important difference for the 20-m walk ≈ 0.07–0.12 m/s.",
        status=Status.VERIFIED,
    ),
    # --- 3.2 Guidelines --------------------------------------------------------------------------
    Evidence(
        key="oarsi2019",
        group=Group.GUIDELINES,
        citation=(
            "Bannuru RR, Osani MC, Vaysbrot EE, Arden NK, Bennell K, et al. 2019. OARSI "
            "guidelines for the non-surgical management of knee, hip, and polyarticular "
            "osteoarthritis. Osteoarthritis Cartilage 27(11):1578–1589."
        ),
        doi="10.1016/j.joca.2019.06.011",
        population="Knee, hip and polyarticular OA.",
        protocol="Guideline.",
        result=(
            "Core treatments for knee OA include education and structured land-based exercise "
            "programmes, with or without dietary weight management."
        ),
        status=Status.VERIFIED,
    ),
    Evidence(
        key="acr2019",
        group=Group.GUIDELINES,
        citation=(
            "Kolasinski SL, Neogi T, Hochberg MC, et al. 2019 ACR/Arthritis Foundation "
            "guideline for the management of osteoarthritis of the hand, hip, and knee. "
            "Arthritis Care Res 72(2):149–162."
        ),
        doi="10.1002/acr.24131",
        pmid="31908149",
        population="Hand, hip and knee OA.",
        protocol="Guideline.",
        result="That exercise is strongly recommended for knee OA was not retrieved.",
        status=Status.VERIFIED,
        status_note="Citation verified; the recommendation strength is [U].",
    ),
    Evidence(
        key="eular2023",
        group=Group.GUIDELINES,
        citation=(
            "Moseng T, Vliet Vlieland TPM, Battista S, et al. EULAR 2023 update of the "
            "recommendations for the non-pharmacological core management of hip and knee "
            "osteoarthritis. Ann Rheum Dis 2024 (PMC11103326)."
        ),
        population="Hip and knee OA.",
        protocol="2 overarching principles and 8 recommendations.",
        result="Includes exercise with adequate tailoring of dosage and progression.",
        status=Status.VERIFIED,
        status_note="Authors and volume [U].",
    ),
    Evidence(
        key="fransen2015",
        group=Group.GUIDELINES,
        citation=(
            "Fransen M, McConnell S, Harmer AR, Van der Esch M, Simic M, Bennell KL. 2015. "
            "Exercise for osteoarthritis of the knee: a Cochrane systematic review. Br J "
            "Sports Med 49(24):1554."
        ),
        population="44 trials of exercise in knee OA.",
        protocol="Land-based therapeutic exercise.",
        result=(
            "Pain −12/100 and function −10/100 right after treatment; sustained 2–6 months "
            "(pain −6, function −3)."
        ),
        status=Status.VERIFIED,
    ),
)

CATALOGUE: Final[Mapping[str, Evidence]] = MappingProxyType({e.key: e for e in _ENTRIES})
"""Every source of the evidence report, by key, in report order."""

SEED_CLAIMS: Final[tuple[SeedClaim, ...]] = (
    SeedClaim(
        number=1,
        claim=(
            "A study in the Journal of Orthopaedic & Sports Physical Therapy found that walking "
            "backwards improved quadriceps activation and knee joint stability in knee "
            "osteoarthritis."
        ),
        verdict=Verdict.UNSUPPORTED_AS_CITED,
        explanation=(
            "No such paper was found: the journal's backward-walking papers are all in healthy "
            "or young people. The closest knee-OA trial (Alghadir 2019, another journal) "
            "measured quadriceps strength, not activation or stability."
        ),
        closest_evidence=("alghadir2019", "cipriani1995", "flynn1995", "hooper2004"),
    ),
    SeedClaim(
        number=2,
        claim=(
            "A study in the Journal of Physical Therapy Science found that a 12-week backward "
            "walking programme improved knee proprioception and muscle strength in knee "
            "osteoarthritis."
        ),
        verdict=Verdict.CONTRADICTED,
        explanation=(
            "No such trial was found, and no 12-week knee-OA trial at all. The one knee-OA "
            "trial that measured proprioception (Chen 2021, 4 weeks) found no advantage; the "
            "proprioception gains were seen after ACL reconstruction (Shen 2021) and in "
            "healthy men."
        ),
        closest_evidence=("chen2021", "shen2021"),
    ),
    SeedClaim(
        number=3,
        claim=(
            "A study in the Journal of Exercise Rehabilitation found greater quadriceps and "
            "hamstring activation walking backwards than forwards."
        ),
        verdict=Verdict.UNVERIFIED_PLAUSIBLE,
        explanation=(
            "The paper was not found. Muscle-activity studies in healthy young adults mostly "
            "agree, especially on an incline, but it has not been shown in knee "
            "osteoarthritis, and one small study found no difference."
        ),
        closest_evidence=("cipriani1995", "dekrey2003"),
    ),
)
"""The seed blog post's three study claims and the evidence report's verdict on each (§2)."""

BOTTOM_LINE: Final[str] = (
    "Backward walking added to usual care helped pain and function in small, short (3–6 week) "
    "trials, mostly supervised; it has not clearly beaten forward walking (Chen 2020, "
    "P = 0.10). Certainty is low."
)
"""The report's bottom line for knee OA (§1.2, §7), in plain words."""


def lookup(key: str) -> Evidence:
    """The catalogue entry for ``key``; raises :class:`UnknownEvidenceError` if absent."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise UnknownEvidenceError(key) from None


def by_group() -> dict[Group, tuple[Evidence, ...]]:
    """The catalogue grouped as in the evidence report, groups in report order."""
    return {
        group: tuple(e for e in _ENTRIES if e.group is group)
        for group in Group
        if any(e.group is group for e in _ENTRIES)
    }
