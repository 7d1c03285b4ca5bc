"""Chapters of the demo told after its main story (`manage.py load_demo`), one per module, in
date order: each `tell(loader)` calls the same services a person would, with the people and
groups the main story made (`loader.users`, `loader.groups`, `loader.programs`)."""
