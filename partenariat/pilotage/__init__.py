"""The pages that compose every app: dashboard, rollout, area and conference pages, PDF reports."""
