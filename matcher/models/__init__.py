"""SQLAlchemy models, split by subject; import from here (their value vocabularies live in matcher.types)."""
from .accounts import AuditLog, User
from .base import Base, utcnow
from .capabilities import Capability, CapabilityEvidence
from .documents import Document, DocumentEntity, Equipment, InstituteProject, ProjectParticipant
from .network import Lab, Organization, Researcher
from .operations import DigestLog, ImportRun, Job, SavedSearch, SavedSearchHit
from .problems import IntroductionRequest, Match, MatchEvent, Problem

__all__ = [
    "AuditLog", "User", "Base", "utcnow", "Capability", "CapabilityEvidence", "Document",
    "DocumentEntity", "Equipment", "InstituteProject", "ProjectParticipant",
    "Lab", "Organization", "Researcher", "DigestLog", "ImportRun", "Job", "SavedSearch", "SavedSearchHit",
    "IntroductionRequest", "Match", "MatchEvent", "Problem",
]
