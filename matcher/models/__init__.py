"""SQLAlchemy models, split by subject; import from here."""
from .accounts import ROLES, AuditLog, User
from .base import Base, utcnow
from .capabilities import Capability, CapabilityEvidence
from .documents import Document, DocumentEntity, Equipment, InstituteProject, ProjectParticipant
from .network import DIGEST_FREQUENCIES, ORGANIZATION_KINDS, Lab, Organization, Researcher
from .operations import DigestLog, ImportRun, Job, SavedSearch, SavedSearchHit
from .problems import MATCH_END_STATES, MATCH_STAGES, REQUEST_KINDS, VISIBILITIES, IntroductionRequest, Match, MatchEvent, Problem

__all__ = [
    "ROLES", "AuditLog", "User", "Base", "utcnow", "Capability", "CapabilityEvidence", "Document",
    "DocumentEntity", "Equipment", "InstituteProject", "ProjectParticipant", "DIGEST_FREQUENCIES",
    "ORGANIZATION_KINDS", "Lab", "Organization", "Researcher", "DigestLog", "ImportRun", "Job", "SavedSearch", "SavedSearchHit",
    "MATCH_END_STATES", "MATCH_STAGES", "REQUEST_KINDS", "VISIBILITIES", "IntroductionRequest", "Match", "MatchEvent", "Problem",
]
